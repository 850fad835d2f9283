package dev.widgetedge.gateway.decide;

import com.github.benmanes.caffeine.cache.Interner;
import dev.widgetedge.core.origin.Allowlist;
import dev.widgetedge.core.origin.InvalidOriginException;
import dev.widgetedge.core.origin.Origin;
import dev.widgetedge.core.origin.OriginPattern;
import dev.widgetedge.core.store.StoredWidgetKey;
import dev.widgetedge.core.widget.Decision;
import dev.widgetedge.core.widget.DenialReason;
import dev.widgetedge.core.widget.WidgetKey;
import java.util.ArrayList;
import java.util.List;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway knows about one key: what the store said, when it said it, and the decision
 * that follows for any origin. Immutable but for the usage mark, which only the
 * {@link dev.widgetedge.gateway.usage.UsageRecorder} touches, the remembered origin, and the
 * one-way {@link #detach() detached} flag the {@link KeyDecider} sets when the entry leaves its cache.
 */
public final class CachedKey {

    private static final Logger LOG = LoggerFactory.getLogger(CachedKey.class);
    private static final Interner<String> IDS = Interner.newWeakInterner();
    private static final int DETACHED = 1;
    private static final int REFRESHING = 2;
    private static final VarHandle FLAGS;

    static {
        try {
            FLAGS = MethodHandles.lookup().findVarHandle(CachedKey.class, "flags", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final UUID id;
    private final long version;
    private final DenialReason keyDenial;
    private final Decision.Allowed allowed;
    private final Allowlist allowlist;
    /** When the store last confirmed this state: the load, or a later revalidation that found it unchanged. */
    private volatile long checkedAtNanos;
    private volatile int epoch;
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
     * {@link #DETACHED}: this is no longer the decision cache's entry for its key (replaced,
     * removed by an invalidation, or evicted), so holders of a reference outside the cache must
     * look again. {@link #REFRESHING}: a use has started this entry's early revalidation. One int
     * for both, because a separate flag would push the object past 64 bytes.
     */
    private volatile int flags;

    private CachedKey(UUID id, long version, DenialReason keyDenial, Decision.Allowed allowed, Allowlist allowlist,
            long loadedAtNanos, int epoch) {
        this.id = id;
        this.version = version;
        this.keyDenial = keyDenial;
        this.allowed = allowed;
        this.allowlist = allowlist;
        this.checkedAtNanos = loadedAtNanos;
        this.epoch = epoch;
    }

    /** A key the store does not have. */
    static CachedKey unknown(UUID id, long loadedAtNanos, int epoch) {
        return new CachedKey(id, 0, DenialReason.UNKNOWN_KEY, null, Allowlist.EMPTY, loadedAtNanos, epoch);
    }

    /**
     * A key as stored. {@code id} is the lookup's own id object (equal to the stored one), so the
     * cache, its id index and the decision share one {@code UUID}; account and agent ids are
     * interned, since many keys of an account carry the same ones and a million cached keys would
     * otherwise hold a million copies.
     */
    static CachedKey of(UUID id, StoredWidgetKey stored, long loadedAtNanos, int epoch) {
        WidgetKey key = stored.key();
        DenialReason denial = key.disabled() ? DenialReason.KEY_DISABLED : null;
        String agent = key.agentId() == null ? null : IDS.intern(key.agentId());
        return new CachedKey(id, stored.version(), denial, new Decision.Allowed(id, IDS.intern(key.accountId()), agent),
                compile(key), loadedAtNanos, epoch);
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
     * The decision for a request with this {@code Origin} header value: the key's own denial
     * first (unknown, disabled), then the origin's.
     */
    public Decision decide(CharSequence originHeader) {
        if (keyDenial != null) {
            return Decision.Denied.of(keyDenial);
        }
        if (originHeader == null || originHeader.length() == 0) {
            return Decision.Denied.of(DenialReason.ORIGIN_MISSING);
        }
        int exact = lastExactEntry;
        if (exact >= 0 && allowlist.isEntrySerializedAs(exact, originHeader)) {
            return allowed;
        }
        String wildcard = lastWildcardOrigin;
        if (wildcard != null && wildcard.contentEquals(originHeader)) {
            return allowed;
        }
        Origin origin = Origin.parseHeaderOrNull(originHeader);
        if (origin == null || !allowlist.allows(origin)) {
            return Decision.Denied.of(DenialReason.ORIGIN_NOT_ALLOWED);
        }
        int entry = allowlist.exactEntry(origin);
        if (entry >= 0 && allowlist.isEntrySerializedAs(entry, originHeader)) {
            lastExactEntry = entry;
        } else if (entry < 0) {
            lastWildcardOrigin = originHeader.toString();
        }
        return allowed;
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
        return keyDenial != DenialReason.UNKNOWN_KEY;
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
        epoch = newEpoch;
        checkedAtNanos = checkedAt;
        int current = flags;
        while ((current & REFRESHING) != 0) {
            int witness = (int) FLAGS.compareAndExchange(this, current, current & ~REFRESHING);
            if (witness == current) {
                return;
            }
            current = witness;
        }
    }

    int epoch() {
        return epoch;
    }

    /** {@code true} for the first caller only: that one starts this entry's early revalidation. */
    boolean claimRefresh() {
        return setFlag(REFRESHING);
    }

    /** Sets {@code flag}; whether this call set it (it was clear before). */
    private boolean setFlag(int flag) {
        int current = flags;
        while ((current & flag) == 0) {
            int witness = (int) FLAGS.compareAndExchange(this, current, current | flag);
            if (witness == current) {
                return true;
            }
            current = witness;
        }
        return false;
    }

    /** Whether this entry left the decision cache; see {@link RecentKeys}. */
    boolean isDetached() {
        return (flags & DETACHED) != 0;
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
