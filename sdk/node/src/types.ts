/**
 * The admin API's resources, with the wire's `snake_case` field names. Timestamps are RFC 3339
 * strings in UTC with millisecond precision (`2026-11-24T05:51:00.123Z`).
 */

/** A widget key's metadata, as `widgetKeys.list()` returns it. Never holds the plaintext key. */
export interface WidgetKey {
  /** Widget key id (a UUID). */
  id: string;
  /** The account that owns the key. */
  account_id: string;
  /** Display name, 1–200 characters. */
  name: string;
  /** The agent the key is pinned to, or `null` when it is not pinned. */
  agent_id: string | null;
  /** The origins the widget may be served to, normalized; an empty list allows no origin. */
  domain_allowlist: string[];
  /** The last 8 characters of the key. */
  key_last8: string;
  created_at: string;
  updated_at: string;
  /** When the key was disabled (revoked), or `null` while it is enabled. */
  disabled_at: string | null;
  /** When the key last served an allowed request, or `null` if it never has. */
  last_used_at: string | null;
  /** From when every gateway refuses the key (`403 key_expired`), or `null`: never. */
  expires_at: string | null;
  /** `enforce` the allowlist, or only `report` what it would refuse. */
  mode: KeyMode;
  /** The key's own rate limits; a `null` limit is the gateway's default. */
  rate_limits: RateLimits;
  /** The key this one replaced in a rotation, or `null`. */
  rotated_from: string | null;
  /** The key that replaced this one in its latest rotation, or `null`. */
  replaced_by: string | null;
}

/**
 * `enforce` (the default): an origin the allowlist refuses is denied. `report`: it is served anyway
 * and counted as `reported`, to try an allowlist on a live key without breaking its sites.
 */
export type KeyMode = 'enforce' | 'report';

/**
 * A key's rate limits, in requests per minute across all gateways together: each an integer
 * 1–1,000,000, or `null` for the gateway's default (`--client-rate-limit`, `--key-rate-limit`).
 * Over a limit the gateway answers `429 rate_limited`.
 */
export interface RateLimits {
  /** Requests per minute from one client address with this key. */
  per_client_per_minute: number | null;
  /** Requests per minute with this key from all clients together. */
  per_key_per_minute: number | null;
}

/**
 * Rate limits to set: the object replaces both limits (one left out, or `null`, is the gateway's
 * default); `rate_limits: null` returns both to the defaults.
 */
export interface RateLimitsInput {
  per_client_per_minute?: number | null;
  per_key_per_minute?: number | null;
}

/** What `widgetKeys.create()` returns: the key's metadata plus the plaintext key, shown only this once. */
export interface CreatedWidgetKey extends WidgetKey {
  /** The plaintext `pk_live_…` key, for the page's `<script data-client-key="…">`. */
  key: string;
}

/** The fields of a new widget key. */
export interface CreateWidgetKeyInput {
  name: string;
  domain_allowlist?: string[];
  agent_id?: string | null;
  /** An RFC 3339 time in the future from which the key is refused; `null` or absent: never. */
  expires_at?: string | null;
  /** Default `enforce`. */
  mode?: KeyMode;
  /** Default `null`: the gateway's default limits. */
  rate_limits?: RateLimitsInput | null;
}

/** The fields to change; an absent field is left as it is. */
export interface UpdateWidgetKeyPatch {
  name?: string;
  /** Replaces the whole allowlist. */
  domain_allowlist?: string[];
  /** `null` unpins the agent. */
  agent_id?: string | null;
  /** `true` revokes the key (idempotent), `false` re-enables it. */
  disabled?: boolean;
  /** A new expiry (an RFC 3339 time in the future); `null` un-expires the key. */
  expires_at?: string | null;
  mode?: KeyMode;
  /** Replaces both limits; `null` returns both to the gateway's defaults. */
  rate_limits?: RateLimitsInput | null;
}

/** How a rotation treats the old key. */
export interface RotateWidgetKeyInput {
  /** How long the old key keeps working, in seconds: 0 to 2,592,000 (default 86,400). */
  grace_seconds?: number;
}

/** How the gateways answered requests, as the origin report counts them. */
export type ReportOutcome =
  | 'allowed'
  | 'reported'
  | 'origin_not_allowed'
  | 'origin_missing'
  | 'rate_limited'
  | 'key_disabled'
  | 'key_expired';

/** One origin and outcome of a key's origin report, summed over the hours asked for. */
export interface OriginReportRow {
  /** The normalized origin, or `(missing)`, `(invalid)`, `null` or `(other)`. */
  origin: string;
  outcome: ReportOutcome;
  requests: number;
  first_seen: string;
  last_seen: string;
}

/** Which hours `widgetKeys.origins()` sums. */
export interface OriginsQuery {
  /** The current UTC hour and the `hours - 1` before it: 1 to 168 (default 24). */
  hours?: number;
}

/** One UTC day of a key's traffic. */
export interface UsageDay {
  /** `YYYY-MM-DD`. */
  date: string;
  /** Requests served, `reported` ones included. */
  allowed: number;
  denied: number;
  rate_limited: number;
}

/** Which days `widgetKeys.usage()` returns. */
export interface UsageQuery {
  /** Today (UTC) and the `days - 1` before it: 1 to 90 (default 30). */
  days?: number;
}

/** What a mutation did, as its audit event names it. */
export type AuditAction = 'key.created' | 'key.updated' | 'key.disabled' | 'key.enabled' | 'key.deleted' | 'key.rotated';

/** One change to a key in the account's audit log. Never holds a plaintext key or token. */
export interface AuditEvent {
  /** `<epoch ms>-<sequence>`: pass it as `before` for the next page. */
  id: string;
  at: string;
  account_id: string;
  /** The admin token that made the change. */
  actor: { token_id: string; token_name: string };
  action: AuditAction;
  key_id: string;
  key_last8: string;
  /** Each field that changed, as WidgetKey shows it; `{}` when nothing but the action applies. */
  changes: Record<string, { from: unknown; to: unknown }>;
}

/** Which events `auditEvents.list()` returns. */
export interface AuditEventsQuery {
  /** Only this key's events. */
  key_id?: string;
  /** At most this many, 1 to 500 (default 100). */
  limit?: number;
  /** Only events older than this one (the last `id` of the previous page). */
  before?: string;
}

/** How to reach the admin API. */
export interface WidgetEdgeOptions {
  /** The server's root, e.g. `http://127.0.0.1:8081`, without `/api/v1`. */
  baseUrl: string;
  /** An admin API token (`widget-edge tokens create`). Never shown in errors, logs or inspection output. */
  token: string;
  /** The account calls act for (`X-Account-ID`); needed when the token may act for several accounts. */
  accountId?: string;
  /** How long one attempt may take, in milliseconds, body included (default 10,000). */
  timeoutMs?: number;
  /**
   * How many times a failed GET, PATCH or DELETE is retried after the first attempt (default 2):
   * on network errors, timeouts, 5xx and 429. A POST is never retried.
   */
  maxRetries?: number;
}
