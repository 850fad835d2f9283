import { WidgetEdgeError } from './errors.js';
import type { WidgetEdgeOptions } from './types.js';

/** Query parameters of a call; `undefined` values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** What one call sends besides its method and path. */
export interface CallOptions {
  /** Sent as JSON. */
  body?: unknown;
  query?: Query;
}

/** Defaults and bounds of the options. */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RETRIES = 2;
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Full-jitter exponential backoff: the n-th retry waits a random time in [0, min(cap, base * 2^n)). */
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 5_000;
/** A `Retry-After` longer than this is not waited for: the error is returned instead. */
const MAX_RETRY_AFTER_MS = 60_000;
/** The methods whose calls are safe to repeat. POST (create) is not: a retry could mint a second key. */
const RETRIED_METHODS: ReadonlySet<string> = new Set(['GET', 'PATCH', 'DELETE']);
/** At most this much of an error body goes into a message. */
const MAX_ERROR_TEXT = 500;
const USER_AGENT = 'widget-edge-node/0.1.0';
/** RFC 6750 b64token: what a bearer token may be made of. */
const TOKEN_SYNTAX = /^[A-Za-z0-9\-._~+/]+=*$/;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

type Attempt =
  | { ok: true; value: unknown }
  | { ok: false; error: WidgetEdgeError; retryable: boolean; retryAfterMs: number | null };

/**
 * Sends admin API calls: the headers, the timeout of each attempt, the retries and the mapping of
 * failures to {@link WidgetEdgeError}. The token lives in a private field and goes nowhere but the
 * `Authorization` header. One instance serves any number of concurrent calls.
 */
export class Transport {
  readonly #base: string;
  readonly #token: string;
  readonly #accountId: string | undefined;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;

  constructor(options: WidgetEdgeOptions) {
    if (typeof globalThis.fetch !== 'function') {
      throw new Error('@widget-edge/client needs a global fetch (Node 18 or newer)');
    }
    if (options === null || typeof options !== 'object') {
      throw new TypeError('WidgetEdge: expected an options object { baseUrl, token, accountId?, timeoutMs?, maxRetries? }');
    }
    this.#base = baseOf(options.baseUrl);
    if (typeof options.token !== 'string' || !TOKEN_SYNTAX.test(options.token)) {
      // The value is never echoed: a mistyped token is still mostly a secret.
      throw new TypeError('WidgetEdge: token must be an admin API token (letters, digits and - . _ ~ + /)');
    }
    this.#token = options.token;
    if (options.accountId !== undefined && (typeof options.accountId !== 'string' || !VISIBLE_ASCII.test(options.accountId))) {
      throw new TypeError(`WidgetEdge: accountId must be a non-empty string without spaces or control characters`);
    }
    this.#accountId = options.accountId;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(this.#timeoutMs) || this.#timeoutMs < 1 || this.#timeoutMs > MAX_TIMEOUT_MS) {
      throw new TypeError(`WidgetEdge: timeoutMs must be a whole number of milliseconds, 1 to ${MAX_TIMEOUT_MS}`);
    }
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    if (!Number.isInteger(this.#maxRetries) || this.#maxRetries < 0) {
      throw new TypeError('WidgetEdge: maxRetries must be a whole number, 0 or more');
    }
  }

  /** The server root calls go to, e.g. `http://127.0.0.1:8081`. */
  get baseUrl(): string {
    return this.#base;
  }

  /** The `X-Account-ID` calls send, if any. */
  get accountId(): string | undefined {
    return this.#accountId;
  }

  /**
   * Makes one call and returns its parsed JSON body (`undefined` for an empty one, as a 204 has).
   * GET, PATCH and DELETE are retried on network errors, timeouts, 5xx and 429; POST never is.
   *
   * @throws WidgetEdgeError when the call fails for good
   */
  async request(method: string, path: string, options: CallOptions = {}): Promise<unknown> {
    const url = this.#base + path + queryString(options.query);
    const retries = RETRIED_METHODS.has(method) ? this.#maxRetries : 0;
    for (let retry = 0; ; retry++) {
      const attempt = await this.#attempt(method, url, path, options.body);
      if (attempt.ok) {
        return attempt.value;
      }
      if (!attempt.retryable || retry >= retries) {
        throw attempt.error;
      }
      const wait = Math.max(backoff(retry), attempt.retryAfterMs ?? 0);
      if (wait > MAX_RETRY_AFTER_MS) {
        throw attempt.error;
      }
      await sleep(wait);
    }
  }

  async #attempt(method: string, url: string, path: string, body: unknown): Promise<Attempt> {
    const headers: Record<string, string> = {
      accept: 'application/json, text/plain',
      authorization: `Bearer ${this.#token}`,
      'user-agent': USER_AGENT,
    };
    if (this.#accountId !== undefined) {
      headers['x-account-id'] = this.#accountId;
    }
    const init: RequestInit = { method, headers, redirect: 'manual', signal: AbortSignal.timeout(this.#timeoutMs) };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, init);
      text = await response.text();
    } catch (cause) {
      const sentence = isTimeout(cause) ? `Timed out after ${this.#timeoutMs} ms` : `Network error: ${describe(cause)}`;
      return failure(new WidgetEdgeError(0, this.#redact(sentence), method, path, { cause }), true, null);
    }
    if (response.status >= 200 && response.status < 300) {
      if (text === '') {
        return { ok: true, value: undefined };
      }
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return failure(new WidgetEdgeError(response.status, 'Response is not JSON', method, path), false, null);
      }
    }
    const error = new WidgetEdgeError(response.status, this.#redact(errorText(response, text)), method, path);
    const retryable = response.status >= 500 || response.status === 429;
    return failure(error, retryable, retryAfterMs(response.headers.get('retry-after')));
  }

  /** Belt and braces: whatever text a message is built from, the token is cut out of it. */
  #redact(text: string): string {
    return text.split(this.#token).join('[redacted]');
  }
}

function baseOf(baseUrl: unknown): string {
  if (typeof baseUrl !== 'string') {
    throw new TypeError('WidgetEdge: baseUrl must be a string such as http://127.0.0.1:8081');
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`WidgetEdge: baseUrl is not a URL: ${baseUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`WidgetEdge: baseUrl must be http:// or https://, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new TypeError('WidgetEdge: baseUrl must be scheme://host[:port][/prefix], without credentials, query or fragment');
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  if (/\/api\/v1$/.test(prefix)) {
    throw new TypeError(`WidgetEdge: baseUrl is the server's root, without /api/v1 (got ${baseUrl})`);
  }
  return url.origin + prefix;
}

function queryString(query: Query | undefined): string {
  if (query === undefined) {
    return '';
  }
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) {
      params.append(name, String(value));
    }
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function failure(error: WidgetEdgeError, retryable: boolean, retryAfter: number | null): Attempt {
  return { ok: false, error, retryable, retryAfterMs: retryAfter };
}

/** The server's text (sentence and detail), or the status line when the body is empty. */
function errorText(response: Response, text: string): string {
  const firstLine = text.trim().split(/\r?\n/, 1)[0] ?? '';
  if (firstLine === '') {
    return response.statusText !== '' ? response.statusText : `HTTP ${response.status}`;
  }
  return firstLine.length > MAX_ERROR_TEXT ? `${firstLine.slice(0, MAX_ERROR_TEXT)}…` : firstLine;
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date; `null` when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | null {
  if (value === null) {
    return null;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function backoff(retry: number): number {
  return Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** A network failure in a few words: `connect ECONNREFUSED 127.0.0.1:9`, `other side closed`. */
function describe(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && cause.message !== '') {
    return cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
