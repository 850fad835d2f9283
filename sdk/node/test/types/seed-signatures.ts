// Compiled by `npm run typecheck` against the built declarations (dist/*.d.ts), never run: it
// fails to compile when a signature drifts from the seed's Node SDK page.
import { WidgetEdge, WidgetEdgeError } from '@widget-edge/client';
import type { CreatedWidgetKey, WidgetKey } from '@widget-edge/client';

/** True when A and B are the same type (not merely assignable one way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

type Keys = WidgetEdge['widgetKeys'];

// The seed: list(), create(input), update(id, patch), delete(id).
expectType<Equal<Parameters<Keys['list']>, []>>();
expectType<Equal<Parameters<Keys['create']>, [input: { name: string; domain_allowlist?: string[]; agent_id?: string | null }]>>();
expectType<Equal<Parameters<Keys['update']>,
  [id: string, patch: { name?: string; domain_allowlist?: string[]; agent_id?: string | null; disabled?: boolean }]>>();
expectType<Equal<Parameters<Keys['delete']>, [id: string]>>();

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
// @ts-expect-error the token is private
void client.token;
