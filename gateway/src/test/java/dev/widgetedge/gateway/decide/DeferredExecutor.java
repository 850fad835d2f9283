package dev.widgetedge.gateway.decide;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * An executor that runs nothing until the test says so, to play out work that the cache defers
 * (maintenance, removal notifications) at the moment the test chooses.
 */
final class DeferredExecutor implements Executor {

    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        pending.add(task);
    }

    /** Runs every deferred task, including those that running them defers. */
    void runAll() {
        Runnable task;
        while ((task = poll()) != null) {
            task.run();
        }
    }

    private synchronized Runnable poll() {
        return pending.poll();
    }
}
