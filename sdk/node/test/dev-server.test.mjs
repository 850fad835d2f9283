// Every widget-keys call and every error status the dev server can give, through the ESM build,
// against the packaged jar in `dev` mode.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { WidgetEdge, WidgetEdgeError } from '@widget-edge/client';
import { startDev } from './support/servers.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Awaits `promise`, which must reject with a WidgetEdgeError; returns it. */
async function failure(promise) {
  const error = await promise.then(
    (value) => assert.fail(`expected a WidgetEdgeError, got ${inspect(value)}`),
    (caught) => caught,
  );
  assert.ok(error instanceof WidgetEdgeError, `expected a WidgetEdgeError, got ${inspect(error)}`);
  assert.ok(error instanceof Error);
  return error;
}

describe('against widget-edge dev', () => {
  let dev;
  let client;

  before(async () => {
    dev = await startDev({ account: 'acct_sdk' });
    client = new WidgetEdge({ baseUrl: dev.baseUrl, token: dev.token });
  });

  after(() => dev?.close());

  test('create returns the CreatedWidgetKey with the plaintext key once; list shows its metadata only', async () => {
    const created = await client.widgetKeys.create({
      name: '  acme.com production  ',
      domain_allowlist: ['HTTPS://Acme.com:443/', 'https://*.acme.com'],
      agent_id: 'agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z',
    });

    assert.match(created.id, UUID);
    assert.equal(created.account_id, 'acct_sdk');
    assert.equal(created.name, 'acme.com production');
    assert.equal(created.agent_id, 'agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z');
    assert.deepEqual(created.domain_allowlist, ['https://acme.com', 'https://*.acme.com']);
    assert.match(created.key, /^pk_live_[0-9A-Za-z]{36}$/);
    assert.equal(created.key_last8, created.key.slice(-8));
    assert.match(created.created_at, TIMESTAMP);
    assert.equal(created.updated_at, created.created_at);
    assert.equal(created.disabled_at, null);
    assert.equal(created.last_used_at, null);

    const listed = (await client.widgetKeys.list()).find((key) => key.id === created.id);
    const { key, ...metadata } = created;
    assert.deepEqual(listed, metadata);
    assert.ok(!JSON.stringify(await client.widgetKeys.list()).includes(key), 'list never shows a plaintext key');
  });

  test('list is newest first', async () => {
    const older = await client.widgetKeys.create({ name: 'older' });
    const newer = await client.widgetKeys.create({ name: 'newer' });

    const ids = (await client.widgetKeys.list()).map((key) => key.id);

    assert.ok(ids.indexOf(newer.id) < ids.indexOf(older.id), `${ids}`);
  });

  test('update renames, replaces the allowlist, unpins, revokes and re-enables', async () => {
    const created = await client.widgetKeys.create({ name: 'to change', agent_id: 'agent_1', domain_allowlist: ['https://a.example'] });

    assert.equal(await client.widgetKeys.update(created.id, {
      name: 'changed', domain_allowlist: ['http://localhost:8000'], agent_id: null, disabled: true,
    }), undefined);
    const changed = (await client.widgetKeys.list()).find((key) => key.id === created.id);
    assert.equal(changed.name, 'changed');
    assert.deepEqual(changed.domain_allowlist, ['http://localhost:8000']);
    assert.equal(changed.agent_id, null);
    assert.match(changed.disabled_at, TIMESTAMP);

    await client.widgetKeys.update(created.id, { disabled: true });
    const again = (await client.widgetKeys.list()).find((key) => key.id === created.id);
    assert.equal(again.disabled_at, changed.disabled_at, 'a repeated revoke keeps the first timestamp');

    await client.widgetKeys.update(created.id, { disabled: false });
    const enabled = (await client.widgetKeys.list()).find((key) => key.id === created.id);
    assert.equal(enabled.disabled_at, null);
  });

  test('delete removes a never-used key; a second delete is 404 Widget key not found', async () => {
    const created = await client.widgetKeys.create({ name: 'to delete' });

    assert.equal(await client.widgetKeys.delete(created.id), undefined);

    assert.ok(!(await client.widgetKeys.list()).some((key) => key.id === created.id));
    const error = await failure(client.widgetKeys.delete(created.id));
    assert.equal(error.status, 404);
    assert.equal(error.sentence, 'Widget key not found');
    assert.equal(error.detail, null);
    assert.equal(error.method, 'DELETE');
    assert.equal(error.path, `/api/v1/widget-keys/${created.id}`);
    assert.equal(error.message, `Widget key not found (HTTP 404 to DELETE /api/v1/widget-keys/${created.id})`);
  });

  test('update of an unknown id is 404', async () => {
    const error = await failure(client.widgetKeys.update('0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e', { name: 'x' }));

    assert.equal(error.status, 404);
    assert.equal(error.sentence, 'Widget key not found');
  });

  test('an id with URL syntax in it is sent as one path segment', async () => {
    const error = await failure(client.widgetKeys.delete('../widget-keys?x=1#y'));

    assert.equal(error.status, 404);
    assert.equal(error.path, '/api/v1/widget-keys/..%2Fwidget-keys%3Fx%3D1%23y');
    assert.equal(error.sentence, 'Widget key not found');
  });

  test('create with a bad allowlist entry is 400 with the seed sentence and a detail naming the entry', async () => {
    const error = await failure(client.widgetKeys.create({ name: 'bad', domain_allowlist: ['https://acme.com', 'https://acme.com/path'] }));

    assert.equal(error.status, 400);
    assert.equal(error.sentence, 'Invalid body or name required');
    assert.equal(error.detail, 'domain_allowlist[1] has a path');
    assert.match(error.message, /^Invalid body or name required: domain_allowlist\[1\] has a path \(HTTP 400 to POST/);
  });

  test('create with a blank name is 400', async () => {
    const error = await failure(client.widgetKeys.create({ name: '   ' }));

    assert.equal(error.status, 400);
    assert.equal(error.sentence, 'Invalid body or name required');
    assert.equal(error.detail, 'name must be 1-200 characters after trimming');
  });

  test('update with a bad agent_id is 400 Invalid body with a detail', async () => {
    const created = await client.widgetKeys.create({ name: 'agent' });

    const error = await failure(client.widgetKeys.update(created.id, { agent_id: 'agent 1' }));

    assert.equal(error.status, 400);
    assert.equal(error.sentence, 'Invalid body');
    assert.equal(error.detail, 'agent_id must be 1-128 characters of A-Z a-z 0-9 _ -');
  });

  test('a body over 64 KiB is 413', async () => {
    const error = await failure(client.widgetKeys.create({ name: 'n'.repeat(70_000) }));

    assert.equal(error.status, 413);
    assert.equal(error.sentence, 'Request body too large');
    assert.equal(error.detail, 'the limit is 65536 bytes');
  });

  test('a wrong token is 401 and the error never shows it', async () => {
    const wrongToken = 'wrong-token-but-secret-0123456789';
    const stranger = new WidgetEdge({ baseUrl: dev.baseUrl, token: wrongToken });

    const error = await failure(stranger.widgetKeys.list());

    assert.equal(error.status, 401);
    assert.equal(error.sentence, 'Missing or invalid bearer token');
    for (const text of [error.message, String(error), error.stack, inspect(error, { depth: 5 }), JSON.stringify(error), inspect(stranger)]) {
      assert.ok(!text.includes(wrongToken), `token shown in: ${text}`);
    }
  });

  test('an account the token may not act for is 403', async () => {
    const other = new WidgetEdge({ baseUrl: dev.baseUrl, token: dev.token, accountId: 'acct_other' });

    const error = await failure(other.widgetKeys.list());

    assert.equal(error.status, 403);
    assert.equal(error.sentence, 'Token not permitted for this account');
  });

  test('naming the token\'s own account works like leaving it out', async () => {
    const named = new WidgetEdge({ baseUrl: dev.baseUrl, token: dev.token, accountId: 'acct_sdk' });
    const created = await named.widgetKeys.create({ name: 'named account' });

    assert.equal(created.account_id, 'acct_sdk');
    assert.ok((await client.widgetKeys.list()).some((key) => key.id === created.id));
  });

  test('a base URL with a trailing slash works', async () => {
    const slashed = new WidgetEdge({ baseUrl: `${dev.baseUrl}/`, token: dev.token });

    assert.ok(Array.isArray(await slashed.widgetKeys.list()));
  });
});

describe('the key lifecycle against widget-edge dev', () => {
  let dev;
  let client;

  before(async () => {
    dev = await startDev({ account: 'acct_sdk_life' });
    client = new WidgetEdge({ baseUrl: dev.baseUrl, token: dev.token });
  });

  after(() => dev?.close());

  test('create and update carry expires_at and mode; null un-expires', async () => {
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const created = await client.widgetKeys.create({ name: 'expiring', expires_at: expires, mode: 'report' });

    assert.equal(created.expires_at, expires);
    assert.equal(created.mode, 'report');
    assert.equal(created.rotated_from, null);
    assert.equal(created.replaced_by, null);
    await client.widgetKeys.update(created.id, { expires_at: null, mode: 'enforce' });
    const listed = (await client.widgetKeys.list()).find((key) => key.id === created.id);
    assert.equal(listed.expires_at, null);
    assert.equal(listed.mode, 'enforce');

    const past = await failure(client.widgetKeys.update(created.id, { expires_at: '2001-01-01T00:00:00Z' }));
    assert.equal(past.status, 400);
    assert.equal(past.detail, 'expires_at is in the past');
  });

  test('create and update carry rate_limits; null returns both to the defaults', async () => {
    const plain = await client.widgetKeys.create({ name: 'default limits' });
    assert.deepEqual(plain.rate_limits, { per_client_per_minute: null, per_key_per_minute: null });

    const limited = await client.widgetKeys.create({ name: 'limited', rate_limits: { per_client_per_minute: 120 } });
    assert.deepEqual(limited.rate_limits, { per_client_per_minute: 120, per_key_per_minute: null });
    await client.widgetKeys.update(limited.id, { rate_limits: { per_key_per_minute: 6000 } });
    let listed = (await client.widgetKeys.list()).find((key) => key.id === limited.id);
    assert.deepEqual(listed.rate_limits, { per_client_per_minute: null, per_key_per_minute: 6000 },
      'the object replaces both limits');
    await client.widgetKeys.update(limited.id, { rate_limits: null });
    listed = (await client.widgetKeys.list()).find((key) => key.id === limited.id);
    assert.deepEqual(listed.rate_limits, { per_client_per_minute: null, per_key_per_minute: null });

    const zero = await failure(client.widgetKeys.update(limited.id, { rate_limits: { per_key_per_minute: 0 } }));
    assert.equal(zero.status, 400);
    assert.equal(zero.detail, 'rate_limits.per_key_per_minute must be an integer 1-1000000 or null');
  });

  test('rotate returns the new key once; the old one names it and expires after the grace', async () => {
    const old = await client.widgetKeys.create({ name: 'rotated', domain_allowlist: ['https://acme.com'], agent_id: 'agent_1' });

    const successor = await client.widgetKeys.rotate(old.id, { grace_seconds: 3600 });

    assert.match(successor.key, /^pk_live_[0-9A-Za-z]{36}$/);
    assert.notEqual(successor.id, old.id);
    assert.equal(successor.rotated_from, old.id);
    assert.deepEqual(successor.domain_allowlist, old.domain_allowlist);
    assert.equal(successor.agent_id, 'agent_1');
    const retired = (await client.widgetKeys.list()).find((key) => key.id === old.id);
    assert.equal(retired.replaced_by, successor.id);
    const grace = Date.parse(retired.expires_at) - Date.now();
    assert.ok(grace > 3_500_000 && grace <= 3_600_000, `${grace}`);
  });

  test('rotate of a disabled key is 409, a bad grace 400, an unknown key 404', async () => {
    const disabled = await client.widgetKeys.create({ name: 'off' });
    await client.widgetKeys.update(disabled.id, { disabled: true });

    const conflict = await failure(client.widgetKeys.rotate(disabled.id));
    const badGrace = await failure(client.widgetKeys.rotate(disabled.id, { grace_seconds: -1 }));
    const unknown = await failure(client.widgetKeys.rotate('0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e'));

    assert.equal(conflict.status, 409);
    assert.equal(conflict.sentence, 'Widget key is disabled');
    assert.equal(badGrace.status, 400);
    assert.equal(badGrace.detail, 'grace_seconds must be an integer 0-2592000');
    assert.equal(unknown.status, 404);
  });

  test('origins and usage of a key nobody used yet are empty; out of range is 400 Invalid query', async () => {
    const created = await client.widgetKeys.create({ name: 'quiet' });

    assert.deepEqual(await client.widgetKeys.origins(created.id, { hours: 168 }), []);
    assert.deepEqual(await client.widgetKeys.usage(created.id, { days: 1 }), []);
    const hours = await failure(client.widgetKeys.origins(created.id, { hours: 169 }));
    assert.equal(hours.status, 400);
    assert.equal(hours.sentence, 'Invalid query');
    assert.equal(hours.detail, 'hours must be an integer 1-168');
    assert.equal((await failure(client.widgetKeys.usage(created.id, { days: 0 }))).detail, 'days must be an integer 1-90');
    assert.equal((await failure(client.widgetKeys.origins('0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e'))).status, 404);
  });

  test('auditEvents.list pages the log newest first, by key, with the dev token as the actor', async () => {
    const created = await client.widgetKeys.create({ name: 'audited' });
    await client.widgetKeys.update(created.id, { name: 'audited 2' });
    await client.widgetKeys.update(created.id, { disabled: true });

    const events = await client.auditEvents.list({ key_id: created.id });
    const first = await client.auditEvents.list({ key_id: created.id, limit: 1 });
    const rest = await client.auditEvents.list({ key_id: created.id, before: first[0].id });

    assert.deepEqual(events.map((event) => event.action), ['key.disabled', 'key.updated', 'key.created']);
    assert.deepEqual(events[1].changes, { name: { from: 'audited', to: 'audited 2' } });
    assert.equal(events[0].actor.token_name, 'dev');
    assert.equal(events[0].key_last8, created.key_last8);
    assert.deepEqual([...first, ...rest], events);
    assert.ok(!JSON.stringify(events).includes(created.key));
    const badCursor = await failure(client.auditEvents.list({ before: '1-0' }));
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.message.startsWith('Invalid query: before'), true);
  });
});
