// Timeouts, network errors and retries, against real local servers: a port that accepts and
// never answers, a port nothing listens on, and a small HTTP server that answers a script.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { WidgetEdge, WidgetEdgeError } from '@widget-edge/client';
import { freePort, startScriptedServer, startSilentServer } from './support/servers.mjs';

const TOKEN = 'network-test-token-0123456789abcdef';
const KEY_ID = '0b6f2c1e-8e7c-4a53-9d7e-3f1b2a4c5d6e';
const servers = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function scripted(...script) {
  const server = await startScriptedServer(script);
  servers.push(server);
  return server;
}

async function failure(promise) {
  const error = await promise.then(
    (value) => assert.fail(`expected a WidgetEdgeError, got ${inspect(value)}`),
    (caught) => caught,
  );
  assert.ok(error instanceof WidgetEdgeError, `expected a WidgetEdgeError, got ${inspect(error)}`);
  return error;
}

const unavailable = { status: 503, body: 'Service unavailable' };
const tooMany = { status: 429, body: 'Too many requests', headers: { 'retry-after': '1' } };
const emptyList = { status: 200, contentType: 'application/json', body: '[]' };
const noContent = { status: 204 };

describe('timeouts', () => {
  test('a server that accepts and never answers times out with status 0, and the GET is retried', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const client = new WidgetEdge({ baseUrl: silent.baseUrl, token: TOKEN, timeoutMs: 300, maxRetries: 1 });

    const error = await failure(client.widgetKeys.list());

    assert.equal(error.status, 0);
    assert.equal(error.sentence, 'Timed out after 300 ms');
    assert.equal(error.message, 'Timed out after 300 ms (no response to GET /api/v1/widget-keys)');
    assert.equal(silent.requests(), 2, 'the first attempt and one retry');
  });

  test('a POST that times out is not retried', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const client = new WidgetEdge({ baseUrl: silent.baseUrl, token: TOKEN, timeoutMs: 200, maxRetries: 3 });

    const error = await failure(client.widgetKeys.create({ name: 'x' }));

    assert.equal(error.status, 0);
    assert.equal(silent.requests(), 1);
  });
});

describe('network errors', () => {
  test('a refused connection is status 0 with the reason in the message', async () => {
    const client = new WidgetEdge({ baseUrl: `http://127.0.0.1:${await freePort()}`, token: TOKEN, maxRetries: 0 });

    const error = await failure(client.widgetKeys.delete(KEY_ID));

    assert.equal(error.status, 0);
    assert.equal(error.sentence, 'Network error');
    assert.match(error.detail, /ECONNREFUSED/);
    assert.ok(error.cause instanceof Error, 'the underlying error is kept as the cause');
  });
});

describe('retries', () => {
  test('GET is retried on 503 until it succeeds', async () => {
    const server = await scripted(unavailable, unavailable, emptyList);
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN });

    assert.deepEqual(await client.widgetKeys.list(), []);
    assert.equal(server.requests.length, 3);
  });

  test('PATCH and DELETE are retried on 5xx', async () => {
    const server = await scripted({ status: 500, body: 'Database error' }, noContent, { status: 502, body: 'Bad gateway' }, noContent);
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN });

    await client.widgetKeys.update(KEY_ID, { disabled: true });
    await client.widgetKeys.delete(KEY_ID);

    assert.deepEqual(server.requests.map((request) => request.method), ['PATCH', 'PATCH', 'DELETE', 'DELETE']);
    assert.equal(server.requests[1].body, '{"disabled":true}', 'the retry sends the same body');
  });

  test('429 is retried after Retry-After', async () => {
    const server = await scripted(tooMany, emptyList);
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN });

    assert.deepEqual(await client.widgetKeys.list(), []);

    assert.equal(server.requests.length, 2);
    const waited = server.requests[1].at - server.requests[0].at;
    assert.ok(waited >= 950, `waited ${waited} ms, Retry-After asked for 1 s`);
  });

  test('a Retry-After beyond a minute is not waited for: the error comes at once', async () => {
    const server = await scripted({ ...tooMany, headers: { 'retry-after': '3600' } }, emptyList);
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN });

    const error = await failure(client.widgetKeys.list());

    assert.equal(error.status, 429);
    assert.equal(server.requests.length, 1);
  });

  test('retries stop after maxRetries and the last error is thrown', async () => {
    const server = await scripted(unavailable);
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN, maxRetries: 3 });

    const error = await failure(client.widgetKeys.list());

    assert.equal(error.status, 503);
    assert.equal(error.sentence, 'Service unavailable');
    assert.equal(server.requests.length, 4, 'the first attempt and 3 retries');
  });

  test('maxRetries defaults to 2', async () => {
    const server = await scripted(unavailable);
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN });

    await failure(client.widgetKeys.list());

    assert.equal(server.requests.length, 3);
  });

  test('maxRetries 0 makes one attempt', async () => {
    const server = await scripted(unavailable, emptyList);
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN, maxRetries: 0 });

    assert.equal((await failure(client.widgetKeys.list())).status, 503);
    assert.equal(server.requests.length, 1);
  });

  test('POST is never retried, not even on 503 or 429', async () => {
    for (const refusal of [unavailable, tooMany]) {
      const server = await scripted(refusal, { status: 201, contentType: 'application/json', body: '{}' });
      const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN, maxRetries: 5 });

      assert.equal((await failure(client.widgetKeys.create({ name: 'once' }))).status, refusal.status);
      assert.equal(server.requests.length, 1);
    }
  });

  test('rotate is a POST and never retried either: a repeat would mint a second key', async () => {
    const server = await scripted(unavailable, { status: 201, contentType: 'application/json', body: '{}' });
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN, maxRetries: 5 });

    assert.equal((await failure(client.widgetKeys.rotate(KEY_ID, { grace_seconds: 60 }))).status, 503);
    assert.equal(server.requests.length, 1);
  });

  test('the report and audit reads are GETs, retried on 503', async () => {
    const server = await scripted(unavailable, emptyList, unavailable, emptyList, unavailable, emptyList);
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN });

    assert.deepEqual(await client.widgetKeys.origins(KEY_ID), []);
    assert.deepEqual(await client.widgetKeys.usage(KEY_ID), []);
    assert.deepEqual(await client.auditEvents.list(), []);
    assert.equal(server.requests.length, 6);
  });

  test('a 4xx other than 429 is not retried', async () => {
    const server = await scripted({ status: 400, body: 'Invalid body: name must be a string' }, noContent);
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN });

    const error = await failure(client.widgetKeys.update(KEY_ID, { name: 'x' }));

    assert.equal(error.status, 400);
    assert.equal(error.detail, 'name must be a string');
    assert.equal(server.requests.length, 1);
  });
});

describe('what is sent', () => {
  test('the token as a bearer token, X-Account-ID only when set, JSON bodies', async () => {
    const server = await scripted({ status: 201, contentType: 'application/json', body: '{"id":"x"}' }, emptyList);
    const withAccount = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN, accountId: 'acct_123' });
    const withoutAccount = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN });

    await withAccount.widgetKeys.create({ name: 'n', domain_allowlist: ['https://acme.com'], agent_id: null });
    await withoutAccount.widgetKeys.list();

    const [create, list] = server.requests;
    assert.equal(create.method, 'POST');
    assert.equal(create.url, '/api/v1/widget-keys');
    assert.equal(create.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(create.headers['x-account-id'], 'acct_123');
    assert.equal(create.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(create.body), { name: 'n', domain_allowlist: ['https://acme.com'], agent_id: null });
    assert.equal(list.method, 'GET');
    assert.equal(list.headers['x-account-id'], undefined);
    assert.equal(list.headers['content-type'], undefined);
    assert.equal(list.body, '');
  });

  test('the lifecycle calls: their paths, query parameters and bodies', async () => {
    const server = await scripted({ status: 201, contentType: 'application/json', body: '{}' },
      { status: 201, contentType: 'application/json', body: '{}' }, emptyList);
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN });

    await client.widgetKeys.rotate(KEY_ID, { grace_seconds: 0 });
    await client.widgetKeys.rotate(KEY_ID);
    await client.widgetKeys.origins(KEY_ID, { hours: 168 });
    await client.widgetKeys.usage(KEY_ID, { days: 7 });
    await client.widgetKeys.usage(KEY_ID);
    await client.auditEvents.list({ key_id: KEY_ID, limit: 5, before: '1764049860123-0' });
    await client.auditEvents.list();

    const [rotate, rotateDefault, origins, usage, usageDefault, events, eventsDefault] = server.requests;
    assert.equal(rotate.method, 'POST');
    assert.equal(rotate.url, `/api/v1/widget-keys/${KEY_ID}/rotate`);
    assert.deepEqual(JSON.parse(rotate.body), { grace_seconds: 0 });
    assert.deepEqual(JSON.parse(rotateDefault.body), {});
    assert.equal(origins.url, `/api/v1/widget-keys/${KEY_ID}/origins?hours=168`);
    assert.equal(usage.url, `/api/v1/widget-keys/${KEY_ID}/usage?days=7`);
    assert.equal(usageDefault.url, `/api/v1/widget-keys/${KEY_ID}/usage`);
    assert.equal(events.url, `/api/v1/audit-events?key_id=${KEY_ID}&limit=5&before=1764049860123-0`);
    assert.equal(eventsDefault.url, '/api/v1/audit-events');
  });

  test('a base URL with a path prefix keeps it', async () => {
    const server = await scripted(emptyList);
    const client = new WidgetEdge({ baseUrl: `${server.baseUrl}/edge-admin/`, token: TOKEN });

    await client.widgetKeys.list();

    assert.equal(server.requests[0].url, '/edge-admin/api/v1/widget-keys');
  });
});

describe('the token stays secret', () => {
  test('not in inspection, JSON or any error, even when the server echoes it', async () => {
    const server = await scripted({ status: 500, body: `Database error: saw Bearer ${TOKEN}` });
    const client = new WidgetEdge({ baseUrl: server.baseUrl, token: TOKEN, accountId: 'acct_1', maxRetries: 0 });

    const error = await failure(client.widgetKeys.list());

    assert.equal(error.message, 'Database error: saw Bearer [redacted] (HTTP 500 to GET /api/v1/widget-keys)');
    const shown = [inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client), String(client),
      inspect(client.widgetKeys, { depth: 10, showHidden: true }), inspect(error, { depth: 10 }), String(error), error.stack];
    for (const text of shown) {
      assert.ok(!text.includes(TOKEN), `token shown in: ${text}`);
    }
    assert.equal(inspect(client), "WidgetEdge { baseUrl: '" + server.baseUrl + "', accountId: 'acct_1' }");
  });

  test('a malformed token is refused without being echoed', () => {
    const malformed = 'secret with spaces\r\nX-Injected: 1';

    assert.throws(() => new WidgetEdge({ baseUrl: 'http://127.0.0.1:1', token: malformed }), (error) => {
      assert.ok(error instanceof TypeError);
      assert.ok(!error.message.includes('secret'), error.message);
      return true;
    });
  });
});

describe('options are checked when the client is made', () => {
  const good = { baseUrl: 'http://127.0.0.1:8081', token: TOKEN };

  for (const [name, options, message] of [
    ['a missing base URL', { token: TOKEN }, /baseUrl must be a string/],
    ['a base URL that is not a URL', { ...good, baseUrl: '127.0.0.1:8081' }, /baseUrl is not a URL|baseUrl must be http/],
    ['a base URL of another scheme', { ...good, baseUrl: 'ftp://127.0.0.1' }, /must be http:\/\/ or https:\/\//],
    ['a base URL with /api/v1', { ...good, baseUrl: 'http://127.0.0.1:8081/api/v1' }, /without \/api\/v1/],
    ['a base URL with credentials', { ...good, baseUrl: 'http://user:pw@127.0.0.1:8081' }, /without credentials/],
    ['an empty token', { ...good, token: '' }, /token must be/],
    ['an empty account', { ...good, accountId: '' }, /accountId must be/],
    ['a fractional timeout', { ...good, timeoutMs: 1.5 }, /timeoutMs must be/],
    ['a zero timeout', { ...good, timeoutMs: 0 }, /timeoutMs must be/],
    ['negative retries', { ...good, maxRetries: -1 }, /maxRetries must be/],
  ]) {
    test(`${name} is a TypeError`, () => {
      assert.throws(() => new WidgetEdge(options), (error) => error instanceof TypeError && message.test(error.message));
    });
  }

  test('an empty key id is a TypeError before any request', async () => {
    const client = new WidgetEdge(good);

    await assert.rejects(client.widgetKeys.delete(''), TypeError);
    await assert.rejects(client.widgetKeys.update('', { name: 'x' }), TypeError);
  });
});
