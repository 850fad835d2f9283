package dev.widgetedge.gateway.decide;

import com.github.benmanes.caffeine.cache.Interner;
import dev.widgetedge.core.origin.Allowlist;
import dev.widgetedge.core.origin.InvalidOriginException;
import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.origin.OriginPattern;
import dev.widgetedge.core.report.ReportOutcome;
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.core.widget.WidgetKey;
import dev.widgetedge.gateway.report.Tally;
import dev.widgetedge.gateway.report.TrafficRecorder;
import java.util.ArrayList;
import java.util.List;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway knows about one key: what the store said, when it said it, and the decision
 * that follows for any origin at any time (the key's expiry is compared with the clock of the
 * request, not of the load). Immutable but for the usage mark, which only the
 * {@link dev.widgetedge.gateway.usage.UsageRecorder} touches, the remembered origin, and the
 * one-way {@link #detach() detached} flag the {@link KeyDecider} sets when the entry leaves its cache.
 */
public final class CachedKey {

    private static final Logger LOG = LoggerFactory.getLogger(CachedKey.class);
    private static final Interner<String> IDS = Interner.newWeakInterner();
    private static final int DETACHED = 1;
    private static final int REFRESHING = 2;
    private static final int FLAG_BITS = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(CachedKey.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final UUID id;
    /**
     * The store's version, saturated at {@link Integer#MAX_VALUE} (a key changed two billion
     * times): an {@code int} keeps the object at 56 bytes. A saturated version never matches the
     * store's or an announcement's again, so such a key is read whole at every revalidation:
     * slower, never staler.
     */
    private final int version;
    /** The key's own answer before any origin: refused and why, or served until when and how. */
    private final KeyTerms terms;
    private final Decision.Allowed allowed;
    private final Allowlist allowlist;
    /** When the store last confirmed this state: the load, or a later revalidation that found it unchanged. */
    private volatile long checkedAtNanos;
    /*
     * The last origin this key allowed, in the exact form the browser sent it. Browsers send the
     * same few values over and over; comparing the header with the last one, character by
     * character, spares the parse (and its allocations) on the hot path. An exact entry is
     * remembered by its handle in the allowlist, which costs nothing; an origin a wildcard allowed
     * by the header text itself. The allowlist never changes within an instance, so a remembered
     * answer stays right. A million of these are cached: every field counts.
     */
    private volatile int lastExactEntry = -1;
    private volatile String lastWildcardOrigin;
    /** The usage-flush window in which this key was last marked used; see UsageRecorder. */
    private volatile int usageWindow = Integer.MIN_VALUE;
    /**
     * The subscription epoch the entry was loaded or last confirmed in, shifted left by two bits,
     * and two flags in the low bits. {@link #DETACHED}: this is no longer the decision cache's
     * entry for its key (replaced, removed by an invalidation, or evicted), so holders of a
     * reference outside the cache must look again. {@link #REFRESHING}: a use has started this
     * entry's early revalidation. One int for the three, changed by compare-and-set only,
     * because a million of these are cached and every four bytes of this object count. Epochs
     * count resubscriptions from zero and stay below 2^29 for any real uptime.
     */
    private volatile int state;

    private CachedKey(UUID id, long version, KeyTerms terms, Decision.Allowed allowed, Allowlist allowlist,
            long loadedAtNanos, int epoch) {
        this.id = id;
        this.version = (int) Math.min(version, Integer.MAX_VALUE);
        this.terms = terms;
        this.allowed = allowed;
        this.allowlist = allowlist;
        this.checkedAtNanos = loadedAtNanos;
        this.state = epoch << FLAG_BITS;
    }

    /** A key the store does not have. */
    static CachedKey unknown(UUID id, long loadedAtNanos, int epoch) {
        return new CachedKey(id, 0, KeyTerms.UNKNOWN, null, Allowlist.EMPTY, loadedAtNanos, epoch);
    }

    /**
     * A key as stored. {@code id} is the lookup's own id object (equal to the stored one), so the
     * cache, its id index and the decision share one {@code UUID}; account and agent ids are
     * interned, since many keys of an account carry the same ones and a million cached keys would
     * otherwise hold a million copies.
     */
    static CachedKey of(UUID id, StoredWidgetKey stored, long loadedAtNanos, int epoch) {
        WidgetKey key = stored.key();
        String agent = key.agentId() == null ? null : IDS.intern(key.agentId());
        Decision.Allowed allowed = new Decision.Allowed(id, IDS.intern(key.accountId()), agent, false,
                key.rateLimits());
        return new CachedKey(id, stored.version(), KeyTerms.of(key, allowed), allowed, compile(key), loadedAtNanos,
                epoch);
    }

    private static Allowlist compile(WidgetKey key) {
        List<OriginPattern> patterns = new ArrayList<>(key.domainAllowlist().size());
        for (String entry : key.domainAllowlist()) {
            try {
                patterns.add(OriginPattern.parse(entry));
            } catch (InvalidOriginException e) {
                // The admin API stores only valid, normalized entries; an entry that no longer
                // parses can only come from a hand-edited record, and must allow nothing.
                LOG.warn("ignoring an invalid allowlist entry of key {}: {}", key.id(), e.getMessage());
            }
        }
        return Allowlist.of(patterns);
    }

    /**
     * The decision for a request with this {@code Origin} header value at {@code nowMillis} (the
     * gateway's wall clock): the key's own denial first (unknown, disabled, expired), then the
     * origin's, which report mode turns into a {@linkplain Decision.Allowed#reported() reported}
     * answer. Every decision for a known key is counted in {@code traffic}.
     */
    public Decision decide(CharSequence originHeader, long nowMillis, TrafficRecorder traffic) {
        return decide(originHeader, nowMillis, traffic, null);
    }

    /**
     * {@link #decide(CharSequence, long, TrafficRecorder)} with {@code memo}, the key's recent-keys
     * entry (or {@code null}), which keeps the tally of the origin allowed last so that the next
     * request from it is counted without a lookup.
     */
    Decision decide(CharSequence originHeader, long nowMillis, TrafficRecorder traffic, RecentKeys.Entry memo) {
        KeyTerms own = terms;
        if (own.denial() != null) {
            if (own.denial() == DenialReason.KEY_DISABLED) {
                traffic.countUnparsed(id, originHeader, ReportOutcome.KEY_DISABLED, nowMillis);
            }
            return Decision.Denied.of(own.denial());
        }
        if (nowMillis >= own.expiresAtMillis()) {
            traffic.countUnparsed(id, originHeader, ReportOutcome.KEY_EXPIRED, nowMillis);
            return Decision.Denied.of(DenialReason.KEY_EXPIRED);
        }
        if (originHeader == null || originHeader.length() == 0) {
            return refused(DenialReason.ORIGIN_MISSING, originHeader, null, nowMillis, traffic);
        }
        int exact = lastExactEntry;
        if (exact >= 0 && allowlist.isEntrySerializedAs(exact, originHeader)) {
            countRemembered(exact, null, originHeader, nowMillis, traffic, memo);
            return allowed;
        }
        String wildcard = lastWildcardOrigin;
        if (wildcard != null && wildcard.contentEquals(originHeader)) {
            countRemembered(-1, wildcard, originHeader, nowMillis, traffic, memo);
            return allowed;
        }
        Origin origin = Origin.parseHeaderOrNull(originHeader);
        if (origin == null || !allowlist.allows(origin)) {
            return refused(DenialReason.ORIGIN_NOT_ALLOWED, originHeader, origin, nowMillis, traffic);
        }
        Tally tally = traffic.countParsed(id, originHeader, origin, ReportOutcome.ALLOWED, nowMillis);
        int entry = allowlist.exactEntry(origin);
        if (entry >= 0 && allowlist.isEntrySerializedAs(entry, originHeader)) {
            lastExactEntry = entry;
            remember(memo, entry, null, tally);
        } else if (entry < 0) {
            String asSent = originHeader.toString();
            lastWildcardOrigin = asSent;
            remember(memo, -1, asSent, tally);
        }
        return allowed;
    }

    /**
     * Counts a request from the remembered origin (the exact entry {@code exact}, or else the text
     * {@code wildcard} a wildcard allowed): in the memo's tally when it is this origin's and still
     * current, else through a lookup (once per key and flush window), remembering the tally found.
     */
    private void countRemembered(int exact, String wildcard, CharSequence originHeader, long nowMillis,
            TrafficRecorder traffic, RecentKeys.Entry memo) {
        RecentKeys.Remembered remembered = memo == null ? null : memo.remembered();
        if (remembered != null && remembered.exactEntry() == exact && remembered.wildcardOrigin() == wildcard
                && remembered.tally().countIfCurrent(nowMillis)) {
            return;
        }
        Tally tally = traffic.countParsed(id, originHeader, Origin.parseHeaderOrNull(originHeader),
                ReportOutcome.ALLOWED, nowMillis);
        remember(memo, exact, wildcard, tally);
    }

    private static void remember(RecentKeys.Entry memo, int exact, String wildcard, Tally tally) {
        if (memo != null && tally != null) {
            memo.remember(new RecentKeys.Remembered(exact, wildcard, tally));
        }
    }

    /** An origin the allowlist refuses: denied, or served and reported in report mode. */
    private Decision refused(DenialReason reason, CharSequence originHeader, Origin origin, long nowMillis,
            TrafficRecorder traffic) {
        Decision.Allowed reported = terms.reported();
        ReportOutcome outcome = reported != null ? ReportOutcome.REPORTED
                : reason == DenialReason.ORIGIN_MISSING ? ReportOutcome.ORIGIN_MISSING : ReportOutcome.ORIGIN_NOT_ALLOWED;
        traffic.countParsed(id, originHeader, origin, outcome, nowMillis);
        return reported != null ? reported : Decision.Denied.of(reason);
    }

    public UUID id() {
        return id;
    }

    /** The store's version; 0 for an unknown key. */
    public long version() {
        return version;
    }

    /** Whether the store has this key (enabled or not). */
    public boolean known() {
        return terms != KeyTerms.UNKNOWN;
    }

    /** When the store last confirmed this entry (ticker nanos). */
    long checkedAtNanos() {
        return checkedAtNanos;
    }

    /**
     * The store confirmed this entry unchanged at {@code checkedAt}, in subscription {@code epoch}:
     * it is fresh again, and may be refreshed early again. A reader may see the two fields from
     * different moments; either mix only makes the entry look stale, never fresher than it is.
     */
    void renew(long checkedAt, int newEpoch) {
        int current = state;
        while (true) {
            int renewed = (newEpoch << FLAG_BITS) | (current & DETACHED);
            int witness = (int) STATE.compareAndExchange(this, current, renewed);
            if (witness == current) {
                break;
            }
            current = witness;
        }
        checkedAtNanos = checkedAt;
    }

    int epoch() {
        return state >>> FLAG_BITS;
    }

    /** {@code true} for the first caller only: that one starts this entry's early revalidation. */
    boolean claimRefresh() {
        return setFlag(REFRESHING);
    }

    /** Sets {@code flag}; whether this call set it (it was clear before). */
    private boolean setFlag(int flag) {
        int current = state;
        while ((current & flag) == 0) {
            int witness = (int) STATE.compareAndExchange(this, current, current | flag);
            if (witness == current) {
                return true;
            }
            current = witness;
        }
        return false;
    }

    /** Whether this entry left the decision cache; see {@link RecentKeys}. */
    boolean isDetached() {
        return (state & DETACHED) != 0;
    }

    /** Marks this entry as no longer the decision cache's. Permanent. */
    void detach() {
        setFlag(DETACHED);
    }

    /** The usage window last marked; for the usage recorder only. */
    public int usageWindow() {
        return usageWindow;
    }

    /** Records the usage window marked; for the usage recorder only. */
    public void usageWindow(int window) {
        usageWindow = window;
    }
}
