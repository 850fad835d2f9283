import type { Transport } from './transport.js';
import type {
  CreatedWidgetKey,
  CreateWidgetKeyInput,
  OriginReportRow,
  OriginsQuery,
  RotateWidgetKeyInput,
  UpdateWidgetKeyPatch,
  UsageDay,
  UsageQuery,
  WidgetKey,
} from './types.js';

const KEYS = '/api/v1/widget-keys';

/**
 * `client.widgetKeys`: one method per admin API operation (the OpenAPI document's
 * `x-sdk-method`). Each method is one call of the transport, which handles auth, timeouts,
 * retries and errors.
 */
export class WidgetKeys {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/v1/widget-keys`: every key of the account, newest first; never a plaintext key. */
  async list(): Promise<WidgetKey[]> {
    return (await this.#http.request('GET', KEYS)) as WidgetKey[];
  }

  /** `POST /api/v1/widget-keys`: mints a key; the result holds the plaintext `key`, the only time it is shown. Never retried. */
  async create(input: CreateWidgetKeyInput): Promise<CreatedWidgetKey> {
    return (await this.#http.request('POST', KEYS, { body: input })) as CreatedWidgetKey;
  }

  /** `PATCH /api/v1/widget-keys/{id}`: renames, replaces the allowlist, repins (`agent_id: null` unpins) or revokes (`disabled: true`). */
  async update(id: string, patch: UpdateWidgetKeyPatch): Promise<void> {
    await this.#http.request('PATCH', keyPath(id), { body: patch });
  }

  /** `DELETE /api/v1/widget-keys/{id}`: removes a never-used key; disables a used one (the row stays for the audit trail). */
  async delete(id: string): Promise<void> {
    await this.#http.request('DELETE', keyPath(id));
  }

  /**
   * `POST /api/v1/widget-keys/{id}/rotate`: mints a key with the same settings; the old one expires after
   * `grace_seconds` (default a day). The result holds the new plaintext `key`, the only time it is shown. Never retried.
   */
  async rotate(id: string, input: RotateWidgetKeyInput = {}): Promise<CreatedWidgetKey> {
    return (await this.#http.request('POST', `${keyPath(id)}/rotate`, { body: input })) as CreatedWidgetKey;
  }

  /** `GET /api/v1/widget-keys/{id}/origins`: the origins the gateways saw for the key and how they answered, most requests first. */
  async origins(id: string, query: OriginsQuery = {}): Promise<OriginReportRow[]> {
    return (await this.#http.request('GET', `${keyPath(id)}/origins`, { query: { hours: query.hours } })) as OriginReportRow[];
  }

  /** `GET /api/v1/widget-keys/{id}/usage`: the key's requests per UTC day with traffic, newest first. */
  async usage(id: string, query: UsageQuery = {}): Promise<UsageDay[]> {
    return (await this.#http.request('GET', `${keyPath(id)}/usage`, { query: { days: query.days } })) as UsageDay[];
  }
}

function keyPath(id: string): string {
  if (typeof id !== 'string' || id === '') {
    throw new TypeError('widget key id must be a non-empty string');
  }
  return `${KEYS}/${encodeURIComponent(id)}`;
}
