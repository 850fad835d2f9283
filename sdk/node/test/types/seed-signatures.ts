// Compiled by `npm run typecheck` against the built declarations (dist/*.d.ts), never run: it
// fails to compile when a signature drifts from the seed's Node SDK page.
import { WidgetEdge, WidgetEdgeError } from '@widget-edge/client';
import type { AuditEvent, CreatedWidgetKey, OriginReportRow, UsageDay, WidgetKey } from '@widget-edge/client';

/** True when A and B are the same type (not merely assignable one way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

type Keys = WidgetEdge['widgetKeys'];

// The seed: list(), create(input), update(id, patch), delete(id), with the lifecycle fields added.
expectType<Equal<Parameters<Keys['list']>, []>>();
expectType<Equal<Parameters<Keys['create']>, [input: { name: string; domain_allowlist?: string[]; agent_id?: string | null;
  expires_at?: string | null; mode?: 'enforce' | 'report';
  rate_limits?: { per_client_per_minute?: number | null; per_key_per_minute?: number | null } | null }]>>();
expectType<Equal<Parameters<Keys['update']>,
  [id: string, patch: { name?: string; domain_allowlist?: string[]; agent_id?: string | null; disabled?: boolean;
    expires_at?: string | null; mode?: 'enforce' | 'report';
    rate_limits?: { per_client_per_minute?: number | null; per_key_per_minute?: number | null } | null }]>>();
expectType<Equal<Parameters<Keys['delete']>, [id: string]>>();

// The lifecycle calls: rotate(id, { grace_seconds }), origins(id, { hours }), usage(id, { days }),
// auditEvents.list({ key_id, limit, before }).
expectType<Equal<Parameters<Keys['rotate']>, [id: string, input?: { grace_seconds?: number }]>>();
expectType<Equal<Parameters<Keys['origins']>, [id: string, query?: { hours?: number }]>>();
expectType<Equal<Parameters<Keys['usage']>, [id: string, query?: { days?: number }]>>();
expectType<Equal<Parameters<WidgetEdge['auditEvents']['list']>,
  [query?: { key_id?: string; limit?: number; before?: string }]>>();
expectType<Equal<ReturnType<Keys['rotate']>, Promise<CreatedWidgetKey>>>();
expectType<Equal<ReturnType<Keys['origins']>, Promise<OriginReportRow[]>>>();
expectType<Equal<ReturnType<Keys['usage']>, Promise<UsageDay[]>>>();
expectType<Equal<ReturnType<WidgetEdge['auditEvents']['list']>, Promise<AuditEvent[]>>>();

expectType<Equal<ReturnType<Keys['list']>, Promise<WidgetKey[]>>>();
expectType<Equal<ReturnType<Keys['create']>, Promise<CreatedWidgetKey>>>();
expectType<Equal<ReturnType<Keys['update']>, Promise<void>>>();
expectType<Equal<ReturnType<Keys['delete']>, Promise<void>>>();

// The constructor: new WidgetEdge({ baseUrl, token, accountId?, timeoutMs?, maxRetries? }).
expectType<Equal<ConstructorParameters<typeof WidgetEdge>,
  [options: { baseUrl: string; token: string; accountId?: string; timeoutMs?: number; maxRetries?: number }]>>();

// The resources, field by field, as the wire has them.
expectType<Equal<WidgetKey, {
  id: string;
  account_id: string;
  name: string;
  agent_id: string | null;
  domain_allowlist: string[];
  key_last8: string;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
  last_used_at: string | null;
  expires_at: string | null;
  mode: 'enforce' | 'report';
  rate_limits: { per_client_per_minute: number | null; per_key_per_minute: number | null };
  rotated_from: string | null;
  replaced_by: string | null;
}>>();
expectType<Equal<OriginReportRow, {
  origin: string;
  outcome: 'allowed' | 'reported' | 'origin_not_allowed' | 'origin_missing' | 'rate_limited' | 'key_disabled'
    | 'key_expired';
  requests: number;
  first_seen: string;
  last_seen: string;
}>>();
expectType<Equal<UsageDay, { date: string; allowed: number; denied: number; rate_limited: number }>>();
expectType<Equal<AuditEvent, {
  id: string;
  at: string;
  account_id: string;
  actor: { token_id: string; token_name: string };
  action: 'key.created' | 'key.updated' | 'key.disabled' | 'key.enabled' | 'key.deleted' | 'key.rotated';
  key_id: string;
  key_last8: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}>>();
expectType<Equal<Omit<CreatedWidgetKey, keyof WidgetKey>, { key: string }>>();

// The error: a subclass of Error with the status, the server's sentence and detail.
expectType<Equal<WidgetEdgeError['status'], number>>();
expectType<Equal<WidgetEdgeError['sentence'], string>>();
expectType<Equal<WidgetEdgeError['detail'], string | null>>();
const asError: Error = new WidgetEdgeError(404, 'Widget key not found', 'GET', '/api/v1/widget-keys');
void asError;

const client = new WidgetEdge({ baseUrl: 'http://127.0.0.1:8081', token: 't' });
// @ts-expect-error name is required on create
void client.widgetKeys.create({ domain_allowlist: [] });
// @ts-expect-error disabled is not a field of create
void client.widgetKeys.create({ name: 'n', disabled: true });
// @ts-expect-error agent_id is a string or null
void client.widgetKeys.update('id', { agent_id: 1 });
// @ts-expect-error mode is enforce or report
void client.widgetKeys.update('id', { mode: 'audit' });
// @ts-expect-error a limit is a number or null
void client.widgetKeys.update('id', { rate_limits: { per_key_per_minute: '100' } });
// @ts-expect-error only the two limits
void client.widgetKeys.create({ name: 'n', rate_limits: { per_minute: 100 } });
// @ts-expect-error the token is private
void client.token;
