package dev.widgetedge.server;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request head the servers refuse although the codec decoded it: the status to answer and the
 * sentence naming the problem. The stream may be out of step with the client's intent (a
 * smuggling attempt looks like this), so the answer closes the connection
 * ({@link HttpResponses#reject}). Thrown without a stack trace: it is an answer, not a fault.
 */
public final class RefusedRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;

    public RefusedRequestException(HttpResponseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public HttpResponseStatus status() {
        return status;
    }
}
