package dev.widgetedge.gateway.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.report.HourlyTraffic;
import dev.widgetedge.core.report.OriginLabels;
import dev.widgetedge.core.report.ReportLimits;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.report.TrafficCount;
import dev.widgetedge.core.store.ForwardingWidgetKeyStore;
import dev.widgetedge.core.store.InMemoryWidgetKeyStore;
import dev.widgetedge.core.store.StoreException;
import dev.widgetedge.core.store.WidgetKeyStore;
import dev.widgetedge.core.widget.KeySettings;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.gateway.decide.FakeTicker;
import dev.widgetedge.gateway.metrics.NoopGatewayMetrics;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The origin report's counting and flushing, on an in-memory store and hand-moved clocks. */
class TrafficRecorderTest {

    private static final Instant START = Instant.now().truncatedTo(ChronoUnit.HOURS).plusSeconds(60);
    private static final Instant HOUR = START.truncatedTo(ChronoUnit.HOURS);
    private static final String ACME = "https://acme.com";
    private static final int MAX_KEYS = 1000;

    /** The in-memory store, whose writes can be made to fail. */
    private static final class FlakyStore extends ForwardingWidgetKeyStore {
        final AtomicBoolean failing = new AtomicBoolean();

        FlakyStore() {
            super(new InMemoryWidgetKeyStore());
        }

        @Override
        public CompletionStage<Void> recordTraffic(List<HourlyTraffic> keys) {
            return failing.get() ? CompletableFuture.failedFuture(new StoreException("down")) : super.recordTraffic(keys);
        }
    }

    /** Metrics that keep the counts the report reports about itself. */
    private static final class ReportMetrics extends NoopGatewayMetrics {
        final AtomicLong written = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();

        @Override
        public void reportWrite(boolean success) {
            (success ? written : failed).incrementAndGet();
        }

        @Override
        public void reportDropped(long requests) {
            dropped.addAndGet(requests);
        }
    }

    private final FakeTicker clock = new FakeTicker(START);
    private final FlakyStore store = new FlakyStore();
    private final ReportMetrics metrics = new ReportMetrics();
    private final TrafficRecorder traffic = TrafficRecorder.manual(store, MAX_KEYS, clock, metrics);

    private UUID newKey() {
        String plaintext = WidgetKeyFormat.mint();
        WidgetKey key = WidgetKey.created(KeyDigest.keyId(plaintext), "acct", WidgetKeyFormat.last8(plaintext),
                KeySettings.of("n", null, List.of(ACME)), START, null);
        store.insert(key, KeyDigest.sha256Hex(plaintext), START, null).toCompletableFuture().join();
        return key.id();
    }

    private long now() {
        return clock.wallMillis();
    }

    private List<TrafficCount> report(UUID id) {
        return report(id, HOUR);
    }

    private List<TrafficCount> report(UUID id, Instant hour) {
        return store.originCounts(id, List.of(hour)).toCompletableFuture().join();
    }

    private static final Instant NEXT_HOUR = HOUR.plus(1, ChronoUnit.HOURS);

    private static Origin parse(String header) {
        return Origin.parseHeaderOrNull(header);
    }

    private void flush() {
        traffic.flush().join();
    }

    /** A new key with one request from {@link #ACME} counted, and the store failing writes from now on. */
    private UUID countedWhileTheStoreIsDown() {
        UUID id = newKey();
        store.failing.set(true);
        traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        return id;
    }

    @Test
    void counts_areWrittenAtTheFlush_onePerOriginAndOutcome_withFirstAndLastSeen() {
        UUID id = newKey();
        traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        clock.advance(Duration.ofSeconds(2));
        traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        traffic.countParsed(id, "https://evil.example", parse("https://evil.example"),
                ReportOutcome.ORIGIN_NOT_ALLOWED, now());

        assertThat(report(id)).as("nothing before the flush").isEmpty();
        flush();

        assertThat(report(id)).containsExactlyInAnyOrder(
                new TrafficCount(ACME, ReportOutcome.ALLOWED, 2, START, START.plusSeconds(2)),
                new TrafficCount("https://evil.example", ReportOutcome.ORIGIN_NOT_ALLOWED, 1, START.plusSeconds(2),
                        START.plusSeconds(2)));
        assertThat(metrics.written.get()).isEqualTo(1);
    }

    @Test
    void aRequestARateLimitRefusedAfterItsDecision_movesFromServedToRateLimited_evenCountedOnAnotherThread()
            throws Exception {
        UUID id = newKey();
        // The decisions of a key that had to be read are counted on the store's thread, the refusal
        // on an event loop: the move is exact whichever thread makes it.
        ExecutorService storeThread = Executors.newSingleThreadExecutor();
        try {
            storeThread.submit(() -> {
                traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
                traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
            }).get(10, TimeUnit.SECONDS);
        } finally {
            storeThread.shutdownNow();
        }
        traffic.countUnparsed(id, "not an origin", ReportOutcome.REPORTED, now());

        traffic.rateLimited(id, ACME, ReportOutcome.ALLOWED, now());
        traffic.rateLimited(id, "not an origin", ReportOutcome.REPORTED, now());
        flush();

        assertThat(report(id)).containsExactlyInAnyOrder(
                new TrafficCount(ACME, ReportOutcome.ALLOWED, 1, START, START),
                new TrafficCount(ACME, ReportOutcome.RATE_LIMITED, 1, START, START),
                new TrafficCount(OriginLabels.INVALID, ReportOutcome.RATE_LIMITED, 1, START, START));
        assertThat(store.usageDays(id, List.of(START.atZone(ZoneOffset.UTC).toLocalDate())).toCompletableFuture().join())
                .extracting(day -> day.allowed() + " " + day.rateLimited()).containsExactly("1 2");
    }

    @Test
    void originsAreLabelledInTheirNormalizedForm_andTheFixedLabelsNameWhatIsNoOrigin() {
        UUID id = newKey();
        traffic.countParsed(id, "HTTPS://ACME.com:443", parse("HTTPS://ACME.com:443"), ReportOutcome.ALLOWED, now());
        traffic.countParsed(id, null, null, ReportOutcome.ORIGIN_MISSING, now());
        traffic.countParsed(id, "", null, ReportOutcome.ORIGIN_MISSING, now());
        traffic.countParsed(id, "null", null, ReportOutcome.ORIGIN_NOT_ALLOWED, now());
        traffic.countParsed(id, "https://acme.com/path", null, ReportOutcome.ORIGIN_NOT_ALLOWED, now());
        traffic.countUnparsed(id, "https://Acme.com", ReportOutcome.KEY_DISABLED, now());
        traffic.countUnparsed(id, "garbage", ReportOutcome.KEY_EXPIRED, now());
        flush();

        assertThat(report(id)).extracting(row -> row.outcome().wire() + " " + row.origin() + " " + row.requests())
                .containsExactlyInAnyOrder("allowed https://acme.com 1", "origin_missing (missing) 2",
                        "origin_not_allowed null 1", "origin_not_allowed (invalid) 1", "key_disabled https://acme.com 1",
                        "key_expired (invalid) 1");
    }

    @Test
    void aWindowKeepsAtMostTheCapOfDistinctOriginsPerKey_theRestCountAsOther() {
        UUID id = newKey();
        for (int i = 0; i < 1000; i++) {
            String origin = "https://h" + i + ".evil.example";
            traffic.countParsed(id, origin, parse(origin), ReportOutcome.ORIGIN_NOT_ALLOWED, now());
        }
        traffic.countParsed(id, null, null, ReportOutcome.ORIGIN_MISSING, now());
        // Past the cap, a kept origin still counts under its own name with any outcome; a new one as (other).
        String kept = "https://h7.evil.example";
        traffic.countParsed(id, kept, parse(kept), ReportOutcome.KEY_DISABLED, now());
        String late = "https://late.evil.example";
        traffic.countParsed(id, late, parse(late), ReportOutcome.KEY_DISABLED, now());
        flush();

        List<TrafficCount> rows = report(id);
        assertThat(rows).hasSize(ReportLimits.MAX_ORIGINS_PER_HOUR + 4);
        assertThat(rows).contains(new TrafficCount(OriginLabels.OTHER, ReportOutcome.ORIGIN_NOT_ALLOWED, 900, START,
                START), new TrafficCount(kept, ReportOutcome.KEY_DISABLED, 1, START, START),
                new TrafficCount(OriginLabels.OTHER, ReportOutcome.KEY_DISABLED, 1, START, START));
    }

    @Test
    void aKeysTally_isTheSameObjectAcrossTheFlushesOfAnHour_andEachFlushWritesOnlyWhatIsNew() {
        UUID id = newKey();
        Tally tally = traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        flush();
        assertThat(report(id)).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 1, START, START));

        for (int i = 1; i <= 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(tally.countIfCurrent(now())).as("still the hour's tally after %d flushes", i).isTrue();
            assertThat(traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now())).isSameAs(tally);
            flush();
        }
        flush();

        assertThat(report(id)).containsExactly(
                new TrafficCount(ACME, ReportOutcome.ALLOWED, 7, START, START.plusSeconds(30)));
        assertThat(metrics.written.get()).as("one write per flush with new counts, none for the idle one").isEqualTo(4);
    }

    @Test
    void aTally_stopsCountingOnceItsHourHasPassed_andTheNextHoursTakesOver() {
        UUID id = newKey();
        Tally first = traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        assertThat(first.countIfCurrent(now())).isTrue();

        clock.advance(Duration.ofHours(1));
        flush();

        assertThat(first.countIfCurrent(now())).isFalse();
        Tally next = traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        assertThat(next).isNotSameAs(first);
        flush();
        assertThat(report(id)).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 2, START, START));
        Instant later = START.plus(1, ChronoUnit.HOURS);
        assertThat(report(id, NEXT_HOUR)).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 1, later, later));
    }

    @Test
    void threadsCountingOneTallyAtOnce_loseNoCount_andItsRowSpansAllOfThem() throws Exception {
        UUID id = newKey();
        Tally tally = traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        int threads = 4;
        int perThread = 50_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> counting = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seenAt = now() + 1000L * (t + 1);
                counting.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        assertThat(tally.countIfCurrent(seenAt)).isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> done : counting) {
                done.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        flush();

        assertThat(report(id)).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 1 + threads * perThread,
                START, START.plusSeconds(threads)));
    }

    /**
     * A tally never changes shape once made: counting it on another thread, long after it was made
     * (and promoted, in a gateway that has run a while), allocates nothing and so writes no young
     * object into an old one, which every young collection would have to find.
     */
    @Test
    void aThreadsFirstCountsOfATallyMadeOnAnotherThread_allocateNothing() throws Exception {
        UUID id = newKey();
        Tally tally = traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long seenAt = now() + 1000;
        AtomicLong allocated = new AtomicLong(-1);
        Thread other = new Thread(() -> {
            threads.getCurrentThreadAllocatedBytes();
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                tally.countIfCurrent(seenAt + i);
            }
            allocated.set(threads.getCurrentThreadAllocatedBytes() - before);
        });
        other.start();
        other.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(allocated.get()).isZero();
        flush();
        assertThat(report(id)).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 101, START,
                Instant.ofEpochMilli(seenAt + 99)));
    }

    @Test
    void aCountThatRacesTheHoursSwitch_isWrittenAtTheNextFlush_andNoCountTwice() {
        UUID id = newKey();
        Tally tally = traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        clock.advance(Duration.ofHours(1));
        flush();
        // A request that looked its tally up just before the switch counts just after it.
        tally.count(START.toEpochMilli());

        flush();
        flush();

        assertThat(report(id)).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 2, START, START));
        assertThat(report(id, NEXT_HOUR)).isEmpty();
    }

    @Test
    void countsTheStoreDidNotTake_areWrittenOnceItTakesThemAgain() {
        UUID id = countedWhileTheStoreIsDown();
        flush();
        traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        flush();

        store.failing.set(false);
        flush();
        flush();

        assertThat(report(id)).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 2, START, START));
        assertThat(metrics.failed.get()).isEqualTo(2);
        assertThat(metrics.written.get()).isEqualTo(1);
        assertThat(metrics.dropped.get()).isZero();
    }

    @Test
    void withinTheHour_countsWaitForTheStoreAsLongAsItIsDown_andNoneIsDropped() {
        UUID id = countedWhileTheStoreIsDown();
        for (int i = 0; i <= TrafficRecorder.MAX_RETAINED_WINDOWS * 2; i++) {
            flush();
        }
        store.failing.set(false);
        flush();

        assertThat(report(id)).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 1, START, START));
        assertThat(metrics.dropped.get()).isZero();
    }

    @Test
    void aClosedHourTheStoreTakesLater_isWrittenToItsHour() {
        UUID id = countedWhileTheStoreIsDown();
        clock.advance(Duration.ofHours(1));
        flush();
        traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        flush();

        store.failing.set(false);
        flush();
        flush();

        assertThat(report(id)).extracting(TrafficCount::requests).containsExactly(1L);
        assertThat(report(id, NEXT_HOUR)).extracting(TrafficCount::requests).containsExactly(1L);
        assertThat(metrics.dropped.get()).isZero();
    }

    @Test
    void closedHoursTheStoreNeverTakes_areDroppedAfterTheirLimit_andCountedAsDropped() {
        UUID id = countedWhileTheStoreIsDown();
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < TrafficRecorder.MAX_RETAINED_WINDOWS; i++) {
            flush();
        }
        assertThat(metrics.dropped.get()).as("kept for %d flushes", TrafficRecorder.MAX_RETAINED_WINDOWS).isZero();
        flush();

        assertThat(metrics.dropped.get()).isEqualTo(1);
    }

    @Test
    void windowsTheStoreCannotTake_keepAtMostMaxKeysInAll_givingUpTheOldestFirst() {
        int perWindow = MAX_KEYS * 3 / 5;
        List<UUID> first = new ArrayList<>();
        List<UUID> second = new ArrayList<>();
        for (int i = 0; i < perWindow; i++) {
            first.add(newKey());
            second.add(newKey());
        }
        store.failing.set(true);
        first.forEach(id -> traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now()));
        clock.advance(Duration.ofHours(1));
        flush();
        second.forEach(id -> traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now()));
        clock.advance(Duration.ofHours(1));
        flush();

        assertThat(metrics.dropped.get()).as("the first hour, given up for the second").isEqualTo(perWindow);
        store.failing.set(false);
        flush();
        flush();
        assertThat(report(first.get(0))).isEmpty();
        Instant counted = START.plus(1, ChronoUnit.HOURS);
        assertThat(report(second.get(0), NEXT_HOUR))
                .containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 1, counted, counted));
    }

    @Test
    void aFlushOfManyKeys_keepsAtMostItsLimitOfWritesInFlight_ofAtMostItsKeysEach_andWritesEveryKey() {
        HeldStore held = new HeldStore(store);
        TrafficRecorder recorder = TrafficRecorder.manual(held, MAX_KEYS, clock, metrics);
        List<UUID> ids = new ArrayList<>();
        int keys = TrafficRecorder.KEYS_PER_WRITE * (TrafficRecorder.WRITES_IN_FLIGHT + 2) + 1;
        for (int i = 0; i < keys; i++) {
            UUID id = newKey();
            ids.add(id);
            recorder.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        }

        CompletableFuture<Void> flushed = recorder.flush();
        int released = 0;
        while (!held.waiting.isEmpty()) {
            assertThat(held.waiting).hasSizeLessThanOrEqualTo(TrafficRecorder.WRITES_IN_FLIGHT);
            held.waiting.poll().run();
            released++;
        }

        assertThat(flushed).isCompleted();
        assertThat(released).isEqualTo(TrafficRecorder.WRITES_IN_FLIGHT + 3);
        assertThat(held.mostInFlight).isEqualTo(TrafficRecorder.WRITES_IN_FLIGHT);
        assertThat(held.mostKeysPerWrite).isEqualTo(TrafficRecorder.KEYS_PER_WRITE);
        assertThat(metrics.written.get()).as("one write per key").isEqualTo(keys);
        assertThat(ids).allSatisfy(id -> assertThat(report(id)).hasSize(1));
    }

    @Test
    void writesThatCompleteOnTheStoresThread_continueTheFlushOnTheFlushersThread() throws Exception {
        ExecutorService storeIo = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "store-io"));
        ThreadsOfWrites threads = new ThreadsOfWrites(store, storeIo);
        TrafficRecorder recorder = TrafficRecorder.start(threads, Duration.ofHours(1), MAX_KEYS, clock, metrics);
        try {
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < TrafficRecorder.KEYS_PER_WRITE * TrafficRecorder.WRITES_IN_FLIGHT * 4; i++) {
                UUID id = newKey();
                ids.add(id);
                recorder.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
            }

            recorder.flush().get(10, TimeUnit.SECONDS);

            assertThat(ids).allSatisfy(id -> assertThat(report(id)).hasSize(1));
            // The first lanes start on the caller's thread; every later write is sent by the flusher.
            assertThat(threads.callers).hasSize(ids.size() / TrafficRecorder.KEYS_PER_WRITE).doesNotContain("store-io")
                    .contains("report-flush");
        } finally {
            recorder.close();
            storeIo.shutdownNow();
        }
    }

    /** A store that completes report writes on its own thread, and notes which thread sent each. */
    private static final class ThreadsOfWrites extends ForwardingWidgetKeyStore {
        final List<String> callers = new CopyOnWriteArrayList<>();
        private final ExecutorService io;

        ThreadsOfWrites(WidgetKeyStore delegate, ExecutorService io) {
            super(delegate);
            this.io = io;
        }

        @Override
        public CompletionStage<Void> recordTraffic(List<HourlyTraffic> keys) {
            callers.add(Thread.currentThread().getName());
            return CompletableFuture.runAsync(() -> super.recordTraffic(keys).toCompletableFuture().join(), io);
        }
    }

    /** A store whose report writes wait until the test lets them through, one at a time. */
    private static final class HeldStore extends ForwardingWidgetKeyStore {
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        int mostInFlight;
        int mostKeysPerWrite;

        HeldStore(WidgetKeyStore delegate) {
            super(delegate);
        }

        @Override
        public CompletionStage<Void> recordTraffic(List<HourlyTraffic> keys) {
            CompletableFuture<Void> written = new CompletableFuture<>();
            waiting.add(() -> super.recordTraffic(keys).whenComplete((ok, error) -> written.complete(null)));
            mostInFlight = Math.max(mostInFlight, waiting.size());
            mostKeysPerWrite = Math.max(mostKeysPerWrite, keys.size());
            return written;
        }
    }

    @Test
    void aFullWindow_retiresKeysWithEverythingWritten_keepsTheBusyOnes_andLosesNoCountOfEither() {
        UUID busy = newKey();
        Tally busyTally = traffic.countParsed(busy, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        List<UUID> idle = new ArrayList<>();
        List<Tally> idleTallies = new ArrayList<>();
        for (int i = 1; i < MAX_KEYS; i++) {
            UUID id = newKey();
            idle.add(id);
            idleTallies.add(traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now()));
        }
        flush();
        UUID late = newKey();
        assertThat(traffic.countParsed(late, ACME, parse(ACME), ReportOutcome.ALLOWED, now())).as("full").isNull();
        assertThat(busyTally.countIfCurrent(now())).isTrue();

        flush();

        int roomy = (int) (MAX_KEYS * TrafficRecorder.ROOMY);
        List<Integer> retired = new ArrayList<>();
        for (int i = 0; i < idleTallies.size(); i++) {
            if (!idleTallies.get(i).countIfCurrent(now())) {
                retired.add(i);
            }
        }
        assertThat(retired).as("retired down to the roomy share").hasSize(MAX_KEYS - roomy);
        assertThat(busyTally.countIfCurrent(now())).as("a key with new counts is never retired").isTrue();
        assertThat(traffic.countParsed(late, ACME, parse(ACME), ReportOutcome.ALLOWED, now())).as("room made").isNotNull();
        // A retired key: a count that raced its retirement, and its next request, which makes it anew.
        UUID retiredKey = idle.get(retired.get(0));
        idleTallies.get(retired.get(0)).count(now());
        Tally anew = traffic.countParsed(retiredKey, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        assertThat(anew).isNotSameAs(idleTallies.get(retired.get(0)));
        assertThat(anew.countIfCurrent(now())).isTrue();
        flush();
        flush();

        assertThat(report(busy)).extracting(TrafficCount::requests).containsExactly(3L);
        assertThat(report(late)).extracting(TrafficCount::requests).containsExactly(1L);
        assertThat(report(retiredKey)).extracting(TrafficCount::requests).containsExactly(4L);
        assertThat(report(idle.get(retired.get(1)))).extracting(TrafficCount::requests).containsExactly(1L);
        assertThat(metrics.dropped.get()).as("only the request turned away while full").isEqualTo(1);
    }

    @Test
    void aTallyAddedToAKeyAfterItsRetirement_refusesToCount() {
        KeyTraffic key = new KeyTraffic(UUID.randomUUID(), traffic, traffic.generation());
        Tally before = key.findOrAdd(ACME, ReportOutcome.ALLOWED, now());

        key.retire();
        Tally after = key.findOrAdd(ACME, ReportOutcome.ORIGIN_NOT_ALLOWED, now());

        assertThat(before.countIfCurrent(now())).isFalse();
        assertThat(after.countIfCurrent(now())).isFalse();
    }

    @Test
    void keysPastTheLimitOfAWindow_areDropped_andCountedAsDropped() {
        for (int i = 0; i < MAX_KEYS; i++) {
            traffic.countParsed(UUID.randomUUID(), ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        }

        assertThat(traffic.countParsed(UUID.randomUUID(), ACME, parse(ACME), ReportOutcome.ALLOWED, now())).isNull();
        traffic.countUnparsed(UUID.randomUUID(), ACME, ReportOutcome.KEY_DISABLED, now());
        flush();

        assertThat(metrics.dropped.get()).isEqualTo(2);
    }

    @Test
    void eachWindowGoesToTheHourItStartedIn() {
        UUID id = newKey();
        traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        flush();
        clock.advance(Duration.ofHours(1));
        // The scheduled flusher flushes at every hour, which closes the window; here the test does.
        flush();
        traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        flush();

        assertThat(report(id)).extracting(TrafficCount::requests).containsExactly(1L);
        assertThat(store.originCounts(id, List.of(HOUR.plus(1, ChronoUnit.HOURS))).toCompletableFuture().join())
                .extracting(TrafficCount::requests).containsExactly(1L);
    }

    @Test
    void close_writesWhatIsCounted() {
        UUID id = newKey();
        traffic.countUnparsed(id, ACME, ReportOutcome.KEY_EXPIRED, now());

        traffic.close(Duration.ofSeconds(5));

        assertThat(report(id)).containsExactly(new TrafficCount(ACME, ReportOutcome.KEY_EXPIRED, 1, START, START));
    }
}
