package dev.widgetedge.gateway.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.widgetedge.core.key.KeyDigest;
import dev.widgetedge.core.key.WidgetKeyFormat;
import dev.widgetedge.core.origin.Origin;
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
        public CompletionStage<Void> recordTraffic(UUID keyId, Instant hour, List<TrafficCount> counts) {
            return failing.get() ? CompletableFuture.failedFuture(new StoreException("down"))
                    : super.recordTraffic(keyId, hour, counts);
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
        return store.originCounts(id, List.of(HOUR)).toCompletableFuture().join();
    }

    private static Origin parse(String header) {
        return Origin.parseHeaderOrNull(header);
    }

    private void flush() {
        traffic.flush().join();
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
        // on an event loop, whose own counter of the tally then goes below zero.
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
    void aTally_stopsCountingOnceItsWindowHasPassed_andTheNextOneTakesOver() {
        UUID id = newKey();
        Tally first = traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        assertThat(first.countIfCurrent(now())).isTrue();

        flush();

        assertThat(first.countIfCurrent(now())).isFalse();
        Tally next = traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        assertThat(next).isNotSameAs(first);
        flush();
        assertThat(report(id)).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 3, START, START));
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

    @Test
    void aCountThatRacesTheSwitch_isWrittenAtTheNextFlush_andNoCountTwice() {
        UUID id = newKey();
        Tally tally = traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        flush();
        // A request that looked its tally up just before the switch counts just after it.
        tally.count(now());

        flush();
        flush();

        assertThat(report(id)).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 2, START, START));
    }

    @Test
    void countsTheStoreDidNotTake_areWrittenOnceItTakesThemAgain() {
        UUID id = newKey();
        store.failing.set(true);
        traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        flush();
        traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        flush();

        store.failing.set(false);
        flush();
        flush();

        assertThat(report(id)).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 2, START, START));
        assertThat(metrics.failed.get()).isEqualTo(3);
        assertThat(metrics.dropped.get()).isZero();
    }

    @Test
    void windowsTheStoreNeverTakes_areDroppedAfterTheirLimit_andCountedAsDropped() {
        UUID id = newKey();
        store.failing.set(true);
        traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now());
        for (int i = 0; i <= TrafficRecorder.MAX_RETAINED_WINDOWS; i++) {
            flush();
        }

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
        flush();
        second.forEach(id -> traffic.countParsed(id, ACME, parse(ACME), ReportOutcome.ALLOWED, now()));
        flush();

        assertThat(metrics.dropped.get()).as("the first window, given up for the second").isEqualTo(perWindow);
        store.failing.set(false);
        flush();
        flush();
        assertThat(report(first.get(0))).isEmpty();
        assertThat(report(second.get(0))).containsExactly(new TrafficCount(ACME, ReportOutcome.ALLOWED, 1, START, START));
    }

    @Test
    void aFlushOfManyKeys_keepsAtMostItsLimitOfWritesInFlight_andWritesEveryKey() {
        HeldStore held = new HeldStore(store);
        TrafficRecorder recorder = TrafficRecorder.manual(held, MAX_KEYS, clock, metrics);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
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
        assertThat(released).isEqualTo(ids.size());
        assertThat(held.mostInFlight).isEqualTo(TrafficRecorder.WRITES_IN_FLIGHT);
        assertThat(ids).allSatisfy(id -> assertThat(report(id)).hasSize(1));
    }

    /** A store whose report writes wait until the test lets them through, one at a time. */
    private static final class HeldStore extends ForwardingWidgetKeyStore {
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        int mostInFlight;

        HeldStore(WidgetKeyStore delegate) {
            super(delegate);
        }

        @Override
        public CompletionStage<Void> recordTraffic(UUID keyId, Instant hour, List<TrafficCount> counts) {
            CompletableFuture<Void> written = new CompletableFuture<>();
            waiting.add(() -> super.recordTraffic(keyId, hour, counts).whenComplete((ok, error) -> written.complete(null)));
            mostInFlight = Math.max(mostInFlight, waiting.size());
            return written;
        }
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
        // The scheduled flusher cuts a window at every hour; here the test does.
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
