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
