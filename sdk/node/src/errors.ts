/**
 * A failed admin API call.
 *
 * For an HTTP error, `status` is the response's status and the message starts with the server's
 * text: a fixed sentence, and after `": "` a detail naming the problem
 * (`Invalid body: domain_allowlist[1] has a path`). Match on `status` and `sentence`, not on the
 * detail. For a network error or a timeout, `status` is `0`.
 *
 * The message says which call failed (`PATCH /api/v1/widget-keys/…`) but never carries the token.
 */
export class WidgetEdgeError extends Error {
  /** The HTTP status, or `0` when no response arrived (network error, timeout). */
  readonly status: number;
  /** The server's sentence (`Widget key not found`), or what went wrong on the way (`Timed out after 500 ms`). */
  readonly sentence: string;
  /** What follows the sentence after `": "` (`domain_allowlist[1] has a path`), or `null`. */
  readonly detail: string | null;
  /** The HTTP method of the call. */
  readonly method: string;
  /** The path of the call, without the base URL (`/api/v1/widget-keys`). */
  readonly path: string;

  constructor(status: number, text: string, method: string, path: string, options?: { cause?: unknown }) {
    super(`${text} (${status === 0 ? 'no response' : `HTTP ${status}`} to ${method} ${path})`, options);
    this.name = 'WidgetEdgeError';
    this.status = status;
    const separator = text.indexOf(': ');
    this.sentence = separator < 0 ? text : text.slice(0, separator);
    this.detail = separator < 0 ? null : text.slice(separator + 2);
    this.method = method;
    this.path = path;
  }
}
