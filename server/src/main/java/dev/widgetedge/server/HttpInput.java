package dev.widgetedge.server;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.time.Duration;

/**
 * How every server reads HTTP requests: the codec, with the {@link PipelineLimit}, the
 * {@link HeaderTimeout} and the {@link BodyTimeout} around it. One call per connection, first in
 * its pipeline.
 */
public final class HttpInput {

    private HttpInput() {
    }

    /**
     * Adds, in this order: the pipeline limit's input, the header clock's start, the HTTP codec
     * (named {@code http}) with {@code decoder}'s limits, the pipeline limit's counter, the
     * header clock's end and the body clock, whose grace is {@code headerTimeout} too.
     */
    public static void install(ChannelPipeline pipeline, HttpDecoderConfig decoder, Duration headerTimeout) {
        PipelineLimit limit = new PipelineLimit();
        HeaderTimeout timeout = new HeaderTimeout(headerTimeout, limit);
        pipeline.addLast("pipeline-limit", limit.input())
                .addLast("header-timeout", timeout.start())
                .addLast("http", new HttpServerCodec(decoder, PipelineLimit.CODEC_DEPTH))
                .addLast("pipeline-count", limit.counter())
                .addLast("header-timeout-end", timeout.end())
                .addLast("body-timeout", new BodyTimeout(headerTimeout, limit));
    }
}
