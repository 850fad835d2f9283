package dev.widgetedge.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpInput}'s handlers on an {@link EmbeddedChannel} with the real codec: how far ahead of
 * the answers requests are decoded ({@link PipelineLimit}) and when a head runs out of time
 * ({@link HeaderTimeout}), with the clock in the test's hands.
 */
class HttpInputTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Keeps the request heads it receives, unanswered, until the test answers them. */
    private final List<HttpRequest> heads = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    HttpInputTest() {
        // The test's clock alone moves time: no real time passes between two steps.
        channel.freezeTime();
        HttpInput.install(channel.pipeline(), new HttpDecoderConfig(), TIMEOUT);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
                    heads.add(request);
                }
                ReferenceCountUtil.release(msg);
            }
        });
    }

    @AfterEach
    void nothingLeft() {
        releaseOutbound();
        assertThat(channel.finish()).isFalse();
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
    }

    private static String requests(int count) {
        return "GET /x HTTP/1.1\r\nHost: a\r\n\r\n".repeat(count);
    }

    /** Answers the oldest {@code count} requests, as the server's handlers would. */
    private void answer(int count) {
        for (int i = 0; i < count; i++) {
            channel.writeAndFlush(HttpResponses.text(channel.alloc(), HttpResponseStatus.OK, "ok"));
        }
        channel.runPendingTasks();
        releaseOutbound();
    }

    private void releaseOutbound() {
        Object written;
        while ((written = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(written);
        }
    }

    private String firstAnswer() {
        ByteBuf answer = channel.readOutbound();
        if (answer == null) {
            return null;
        }
        String text = answer.toString(StandardCharsets.ISO_8859_1);
        answer.release();
        return text;
    }

    private void advance(Duration duration) {
        channel.advanceTimeBy(duration.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void aWriteOfManyRequests_isDecodedOnlyAsFarAsTheLimit_andReadingPauses() {
        send(requests(500));

        assertThat(heads.size()).isBetween(PipelineLimit.MAX_UNANSWERED,
                PipelineLimit.MAX_UNANSWERED + PipelineLimit.SLICE_BYTES / PipelineLimit.MIN_REQUEST_BYTES);
        assertThat(channel.config().isAutoRead()).as("reading pauses while bytes wait").isFalse();
    }

    @Test
    void answers_letTheNextRequestsBeDecoded_untilEveryOneIsServed_andReadingResumes() {
        send(requests(500));

        int answered = 0;
        while (answered < 500) {
            int waiting = heads.size() - answered;
            assertThat(waiting).isBetween(1, PipelineLimit.CODEC_DEPTH - 1);
            answer(waiting);
            answered += waiting;
        }

        assertThat(heads).hasSize(500);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void theCodecNeverSeesMoreThanItsOwnLimit() {
        assertThat(PipelineLimit.CODEC_DEPTH)
                .isGreaterThan(PipelineLimit.MAX_UNANSWERED + PipelineLimit.SLICE_BYTES / PipelineLimit.MIN_REQUEST_BYTES);
        send("A / HTTP/1.1\r\n\r\n".repeat(5000));

        assertThat(heads.size()).isBetween(PipelineLimit.MAX_UNANSWERED, PipelineLimit.CODEC_DEPTH - 1);
        assertThat(channel.isOpen()).as("the codec's own limit never closes the connection").isTrue();
        answer(heads.size());
        assertThat(heads.size()).as("the next slice is decoded").isGreaterThan(PipelineLimit.MAX_UNANSWERED);
    }

    @Test
    void aHeadNotCompleteWithinTheTimeout_gets408_andTheConnectionIsClosedAfterALinger() {
        send("GET /x HTTP/1.1\r\nHost: a\r\n");
        advance(TIMEOUT.minusMillis(1));
        assertThat(firstAnswer()).isNull();

        advance(Duration.ofMillis(1));

        ByteBuf answer = channel.readOutbound();
        assertThat(answer.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 408 Request Timeout")
                .endsWith("Request head not received within 10s");
        answer.release();
        advance(Duration.ofMillis(LingeringClose.LINGER_MILLIS));
        assertThat(channel.isOpen()).isFalse();
        assertThat(heads).isEmpty();
    }

    @Test
    void everyByte_doesNotRestartTheClock() {
        send("GET /x HTTP/1.1\r\n");
        for (int i = 0; i < 9; i++) {
            advance(Duration.ofSeconds(1));
            send("X");
        }

        advance(Duration.ofSeconds(1));

        ByteBuf answer = channel.readOutbound();
        assertThat(answer.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 408");
        answer.release();
    }

    @Test
    void aHeadCompleteInTime_stopsTheClock_andAnIdleConnectionHasNoClockRunning() {
        send("GET /x HTTP/1.1\r\n");
        advance(Duration.ofSeconds(9));
        send("Host: a\r\n\r\n");
        answer(1);

        advance(TIMEOUT.multipliedBy(3));

        assertThat(firstAnswer()).isNull();
        assertThat(channel.isOpen()).isTrue();
        assertThat(heads).hasSize(1);
    }

    @Test
    void theNextHeadsClock_startsAtItsFirstByte() {
        send(requests(1));
        answer(1);
        advance(TIMEOUT.multipliedBy(2));

        send("GET /y HTTP/1.1\r\n");
        advance(TIMEOUT.minusMillis(1));
        assertThat(firstAnswer()).isNull();
        advance(Duration.ofMillis(1));

        ByteBuf answer = channel.readOutbound();
        assertThat(answer.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 408");
        answer.release();
    }

    @Test
    void theClockWaits_whileEarlierRequestsAreUnanswered_andRunsOnceTheyAre() {
        send(requests(3));
        send("GET /late HTTP/1.1\r\n");

        advance(TIMEOUT.multipliedBy(3));
        assertThat(firstAnswer()).as("the server is the slow one: no 408").isNull();

        answer(3);
        advance(TIMEOUT);

        ByteBuf answer = channel.readOutbound();
        assertThat(answer.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 408");
        answer.release();
    }

    @Test
    void interimResponses_answerNothing() {
        send(requests(500));
        int decoded = heads.size();
        channel.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        channel.runPendingTasks();
        releaseOutbound();

        assertThat(heads).hasSize(decoded);
    }

    // --- bodies ---

    private static final String POST = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n";

    @Test
    void aBodyTrickledSlowerThanTheMinimumRate_gets408OnceTheGraceIsUsedUp() {
        send(POST + "x");
        for (int second = 0; second < 9; second++) {
            advance(Duration.ofSeconds(1));
            send("x");
        }
        assertThat(firstAnswer()).as("within the grace").isNull();

        advance(Duration.ofSeconds(4));

        assertThat(firstAnswer()).startsWith("HTTP/1.1 408").endsWith("Request body arriving too slowly");
    }

    @Test
    void aBodyArrivingAtTheMinimumRate_hasAllTheTimeItNeeds() {
        send(POST);
        for (int second = 0; second < 60; second++) {
            send("x".repeat((int) BodyTimeout.MIN_BYTES_PER_SECOND));
            advance(Duration.ofSeconds(1));
        }

        assertThat(firstAnswer()).isNull();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void whileTheServerDoesNotRead_theClientIsNotSlow() {
        send(POST + "x");
        channel.config().setAutoRead(false);

        advance(TIMEOUT.multipliedBy(10));

        assertThat(firstAnswer()).isNull();
        channel.read();
        advance(TIMEOUT.multipliedBy(2));
        assertThat(firstAnswer()).startsWith("HTTP/1.1 408");
    }

    @Test
    void aSlowBodyOfARequestAlreadyAnswered_endsTheConnectionWithoutASecondAnswer() {
        send(POST + "x");
        answer(1);

        advance(TIMEOUT.multipliedBy(2));

        assertThat(firstAnswer()).isNull();
        assertThat(channel.isOpen()).isFalse();
    }
}
