import type { Transport } from './transport.js';
import type { AuditEvent, AuditEventsQuery } from './types.js';

const EVENTS = '/api/v1/audit-events';

/** `client.auditEvents`: the account's audit log (the OpenAPI document's `auditEvents.list`). */
export class AuditEvents {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /**
   * `GET /api/v1/audit-events`: the account's changes, newest first. Page with `before`: the `id` of the
   * last event of the previous page.
   */
  async list(query: AuditEventsQuery = {}): Promise<AuditEvent[]> {
    return (await this.#http.request('GET', EVENTS, {
      query: { key_id: query.key_id, limit: query.limit, before: query.before },
    })) as AuditEvent[];
  }
}
