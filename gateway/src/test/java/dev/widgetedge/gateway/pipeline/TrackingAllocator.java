package dev.widgetedge.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out, so that a test can assert that all of them
 * (its own request bodies and every buffer the handlers and codecs allocated) were released.
 * Installed on an {@link EmbeddedChannel}, it is what {@code ctx.alloc()} returns.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> allocated = new ArrayList<>();

    TrackingAllocator() {
        super(false);
    }

    /** A channel whose allocator is {@code allocator}, with {@code handlers} added. */
    static EmbeddedChannel channel(TrackingAllocator allocator, ChannelHandler... handlers) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(handlers);
        return channel;
    }

    /** A tracked buffer holding {@code text} (UTF-8). */
    ByteBuf text(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return heapBuffer(bytes.length).writeBytes(bytes);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return track(super.compositeHeapBuffer(maxNumComponents));
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return track(super.compositeDirectBuffer(maxNumComponents));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private synchronized <B extends ByteBuf> B track(B buffer) {
        allocated.add(buffer);
        return buffer;
    }

    synchronized int allocatedCount() {
        return allocated.size();
    }

    /** Every buffer allocated so far has {@code refCnt() == 0}. */
    synchronized void assertAllReleased() {
        List<String> leaked = new ArrayList<>();
        for (int i = 0; i < allocated.size(); i++) {
            ByteBuf buffer = allocated.get(i);
            if (buffer.refCnt() != 0) {
                leaked.add("#" + i + " refCnt=" + buffer.refCnt() + " capacity=" + buffer.capacity());
            }
        }
        assertThat(leaked).as("buffers allocated but not released (of %d allocated)", allocated.size()).isEmpty();
    }
}
