package dev.widgetedge.gateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyProtocolHandlerTest {

    private static final String REQUEST = "GET /v1/widget.js HTTP/1.1\r\nHost: edge\r\n\r\n";

    private final List<ProxyProtocolHandler.ProxiedPeer> peers = new ArrayList<>();
    private final List<ByteBuf> passed = new ArrayList<>();
    private int rejected;
    private EmbeddedChannel channel;

    /** Stands for the HTTP codec: records what the handlers let through. */
    private final class Recorder extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            passed.add((ByteBuf) msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ProxyProtocolHandler.ProxiedPeer peer) {
                assertTrue(passed.isEmpty(), "the peer is known before any request byte");
                peers.add(peer);
            }
        }
    }

    private EmbeddedChannel channel(ProxyProtocol mode) {
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(new Recorder());
        ProxyProtocolHandler.install(channel.pipeline(), mode, Duration.ofSeconds(5), () -> rejected++);
        return channel;
    }

    @AfterEach
    void releaseEverything() {
        String received = passedText();
        passed.forEach(ByteBuf::release);
        assertFalse(channel.finish(), "nothing left unread or unwritten: " + received);
    }

    private String passedText() {
        StringBuilder text = new StringBuilder();
        passed.forEach(buf -> text.append(buf.toString(StandardCharsets.US_ASCII)));
        return text.toString();
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static ByteBuf v2(HAProxyCommand command, HAProxyProxiedProtocol protocol, String source, String dest) {
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(new HAProxyMessage(HAProxyProtocolVersion.V2, command, protocol, source, dest,
                source == null ? 0 : 51234, source == null ? 0 : 8080));
        ByteBuf header = encoder.readOutbound();
        encoder.finishAndReleaseAll();
        return header;
    }

    @Test
    void v1Header_namesThePeer_andTheRequestPassesUnchanged() {
        EmbeddedChannel ch = channel(ProxyProtocol.V1);
        ch.writeInbound(ascii("PROXY TCP4 203.0.113.9 10.0.0.1 51234 8080\r\n" + REQUEST));
        assertEquals(List.of(new ProxyProtocolHandler.ProxiedPeer(IpLiteral.parse("203.0.113.9"))), peers);
        assertEquals(REQUEST, passedText());
        assertNull(ch.pipeline().get("proxy-protocol"), "the handler leaves once the header is read");
        assertNull(ch.pipeline().get("proxy-protocol-decoder"));
        assertEquals(0, rejected);
    }

    @Test
    void v2Header_inPieces_namesAnIpv6Peer() {
        EmbeddedChannel ch = channel(ProxyProtocol.ANY);
        ByteBuf header = v2(HAProxyCommand.PROXY, HAProxyProxiedProtocol.TCP6, "2001:db8::7", "2001:db8::1");
        ch.writeInbound(header.readRetainedSlice(10));
        assertTrue(peers.isEmpty());
        ch.writeInbound(Unpooled.wrappedBuffer(header, ascii(REQUEST)));
        assertEquals(List.of(new ProxyProtocolHandler.ProxiedPeer(IpLiteral.parse("2001:db8::7"))), peers);
        assertEquals(REQUEST, passedText());
    }

    @Test
    void localCommand_keepsTheTcpPeer() {
        EmbeddedChannel ch = channel(ProxyProtocol.V2);
        ch.writeInbound(v2(HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN, null, null));
        ch.writeInbound(ascii(REQUEST));
        assertTrue(peers.isEmpty());
        assertEquals(REQUEST, passedText());
        assertEquals(0, rejected);
    }

    @Test
    void headerOfAnotherVersion_closesWithoutAResponse() {
        EmbeddedChannel ch = channel(ProxyProtocol.V2);
        ch.writeInbound(ascii("PROXY TCP4 203.0.113.9 10.0.0.1 51234 8080\r\n" + REQUEST));
        assertClosedUnanswered(ch);
    }

    @Test
    void plainHttp_closesWithoutAResponse_andNoByteReachesTheCodec() {
        EmbeddedChannel ch = channel(ProxyProtocol.ANY);
        ch.writeInbound(ascii(REQUEST));
        assertClosedUnanswered(ch);
    }

    @Test
    void malformedV1Header_closesWithoutAResponse() {
        EmbeddedChannel ch = channel(ProxyProtocol.V1);
        ch.writeInbound(ascii("PROXY TCP4 not-an-address 10.0.0.1 1 2\r\n" + REQUEST));
        assertClosedUnanswered(ch);
    }

    @Test
    void oversizedV1Line_closesOnceItIsTooLong() {
        EmbeddedChannel ch = channel(ProxyProtocol.V1);
        ch.writeInbound(ascii("PROXY TCP4 " + "1".repeat(200)));
        assertClosedUnanswered(ch);
    }

    @Test
    void noHeaderInTime_closesWithoutAResponse() {
        EmbeddedChannel ch = channel(ProxyProtocol.ANY);
        ch.writeInbound(ascii("PROXY TCP4 203."));
        ch.advanceTimeBy(4, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isActive());
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertClosedUnanswered(ch);
    }

    @Test
    void timerIsCancelled_onceTheHeaderArrives() {
        EmbeddedChannel ch = channel(ProxyProtocol.ANY);
        ch.writeInbound(ascii("PROXY TCP4 203.0.113.9 10.0.0.1 51234 8080\r\n"));
        ch.advanceTimeBy(10, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isActive());
        assertEquals(0, rejected);
    }

    @Test
    void off_installsNothing() {
        EmbeddedChannel ch = channel(ProxyProtocol.OFF);
        assertNull(ch.pipeline().get("proxy-protocol"));
        ch.writeInbound(ascii(REQUEST));
        assertEquals(REQUEST, passedText());
    }

    private void assertClosedUnanswered(EmbeddedChannel ch) {
        assertFalse(ch.isOpen());
        assertEquals(1, rejected);
        assertTrue(passed.isEmpty(), "no byte reached the HTTP codec: " + passedText());
        assertNull(ch.readOutbound(), "nothing was answered");
        assertTrue(peers.isEmpty());
    }
}
