import { AuditEvents } from './audit-events.js';
import { Transport } from './transport.js';
import type { WidgetEdgeOptions } from './types.js';
import { WidgetKeys } from './widget-keys.js';

/**
 * A client of the widget-edge admin API.
 *
 * ```ts
 * const client = new WidgetEdge({ baseUrl: 'http://127.0.0.1:8081', token: process.env.WIDGET_EDGE_TOKEN! });
 * const keys = await client.widgetKeys.list();
 * ```
 *
 * Safe to share: calls may run concurrently. The token is kept in a private field; it is not
 * shown by `util.inspect`, `JSON.stringify` or any error.
 */
export class WidgetEdge {
  /** The widget-keys calls: `list`, `create`, `update`, `delete`, `rotate`, `origins`, `usage`. */
  readonly widgetKeys: WidgetKeys;
  /** The audit log: `list`. */
  readonly auditEvents: AuditEvents;
  readonly #http: Transport;

  /** @throws TypeError when an option is missing or malformed (the message never shows the token) */
  constructor(options: WidgetEdgeOptions) {
    this.#http = new Transport(options);
    this.widgetKeys = new WidgetKeys(this.#http);
    this.auditEvents = new AuditEvents(this.#http);
  }

  /** What `util.inspect` and `console.log` show: where calls go, never the token. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const account = this.#http.accountId === undefined ? '' : `, accountId: '${this.#http.accountId}'`;
    return `WidgetEdge { baseUrl: '${this.#http.baseUrl}'${account} }`;
  }

  toJSON(): { baseUrl: string; accountId?: string } {
    return this.#http.accountId === undefined
      ? { baseUrl: this.#http.baseUrl }
      : { baseUrl: this.#http.baseUrl, accountId: this.#http.accountId };
  }
}
