package dev.widgetedge.gateway.decide;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that runs nothing by itself: tasks wait until the test runs them, so that work done
 * in the background (filter builds, retries, periodic rebuilds) happens exactly when the test
 * chooses. Delays are recorded, not waited for.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final List<Runnable> delayed = new ArrayList<>();
    private final List<Periodic> periodic = new ArrayList<>();
    private boolean shutdown;

    /** Runs every task that is ready, including those that running them makes ready. */
    public void runReady() {
        Runnable task;
        while ((task = poll()) != null) {
            task.run();
        }
    }

    /** Runs the oldest ready task; {@code false} when none is ready. */
    public boolean runOne() {
        Runnable task = poll();
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    /** Makes every delayed task (a retry, say) ready, then runs what is ready. */
    public void runDelayed() {
        synchronized (this) {
            ready.addAll(delayed);
            delayed.clear();
        }
        runReady();
    }

    /** Runs one round of every periodic task, then what is ready. */
    public void runPeriodic() {
        List<Periodic> round;
        synchronized (this) {
            round = List.copyOf(periodic);
        }
        round.forEach(task -> task.command().run());
        runReady();
    }

    /** Runs one round of the periodic tasks scheduled {@code every} this long, then what is ready. */
    public void runPeriodic(Duration every) {
        List<Periodic> round;
        synchronized (this) {
            round = periodic.stream().filter(task -> task.delayNanos() == every.toNanos()).toList();
        }
        if (round.isEmpty()) {
            throw new IllegalStateException("no task runs every " + every);
        }
        round.forEach(task -> task.command().run());
        runReady();
    }

    public synchronized int delayedCount() {
        return delayed.size();
    }

    private synchronized Runnable poll() {
        return ready.poll();
    }

    @Override
    public synchronized void execute(Runnable command) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        ready.add(command);
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        delayed.add(command);
        return new Handle(() -> removeDelayed(command));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the code under test");
    }

    @Override
    public synchronized ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
            TimeUnit unit) {
        return scheduleWithFixedDelay(command, initialDelay, period, unit);
    }

    @Override
    public synchronized ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
            TimeUnit unit) {
        Periodic task = new Periodic(command, unit.toNanos(delay));
        periodic.add(task);
        return new Handle(() -> removePeriodic(task));
    }

    private synchronized void removeDelayed(Runnable command) {
        delayed.remove(command);
    }

    private synchronized void removePeriodic(Periodic task) {
        periodic.remove(task);
    }

    private record Periodic(Runnable command, long delayNanos) {
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> pending = new ArrayList<>(ready);
        ready.clear();
        return pending;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && ready.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    /** A scheduled task's handle: cancelling it removes the task. */
    private static final class Handle extends FutureTask<Void> implements ScheduledFuture<Void> {

        private final Runnable onCancel;

        Handle(Runnable onCancel) {
            super(() -> null);
            this.onCancel = onCancel;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            onCancel.run();
            return super.cancel(mayInterruptIfRunning);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return 0;
        }
    }
}
