package dev.widgetedge.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one {@link RedisServer} per test class and stops it after the class.
 *
 * <p>Register it as a static field: {@code @RegisterExtension static final RedisServerExtension
 * REDIS = new RedisServerExtension();}. Before each test the server is started again if a test
 * stopped it, so outage tests cannot leak into the next test.
 */
public final class RedisServerExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private final boolean durable;
    private RedisServer server;

    /** A memory-only server. */
    public RedisServerExtension() {
        this(false);
    }

    /** A server that keeps its data across {@link RedisServer#stop()} and start when durable. */
    public RedisServerExtension(boolean durable) {
        this.durable = durable;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = RedisServer.startNew(durable);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    /** The running server; valid between beforeAll and afterAll. */
    public RedisServer server() {
        return server;
    }
}
