package dev.widgetedge.admin;

import dev.widgetedge.server.HttpResponses;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * An admin API answer before it becomes a Netty response: status, body and the one optional
 * header a success may carry ({@code Location}). Keeping it free of buffers means nothing leaks
 * when the connection is gone by the time the store answers.
 */
record Reply(HttpResponseStatus status, AsciiString contentType, byte[] body, String location) {

    static Reply json(HttpResponseStatus status, byte[] body) {
        return new Reply(status, HttpResponses.APPLICATION_JSON, body, null);
    }

    static Reply created(byte[] body, String location) {
        return new Reply(HttpResponseStatus.CREATED, HttpResponses.APPLICATION_JSON, body, location);
    }

    static Reply noContent() {
        return new Reply(HttpResponseStatus.NO_CONTENT, null, null, null);
    }

    static Reply error(ApiError error) {
        return new Reply(error.status(), HttpResponses.TEXT_PLAIN_UTF8,
                error.getMessage().getBytes(StandardCharsets.UTF_8), null);
    }
}
