package dev.widgetedge.server;

/** A server could not start, e.g. because its port is taken; the message says which and why. */
public final class ServerStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
