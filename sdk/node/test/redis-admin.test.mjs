// The calls against `widget-edge admin` on a real redis-server, with a token for two accounts
// (so X-Account-ID is required), and the 500 a stopped Redis gives, through the CommonJS build.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { createToken, startAdmin, startRedis } from './support/servers.mjs';

const { WidgetEdge, WidgetEdgeError } = createRequire(import.meta.url)('@widget-edge/client');

describe('against widget-edge admin on Redis', () => {
  let redis;
  let admin;
  let token;

  before(async () => {
    redis = await startRedis();
    token = createToken(redis.uri, ['acct_a', 'acct_b']);
    admin = await startAdmin(redis.uri, { storeTimeout: '500ms' });
  });

  after(async () => {
    await admin?.close();
    await redis?.close();
  });

  test('list, create, update and delete work for the account named', async () => {
    const a = new WidgetEdge({ baseUrl: admin.baseUrl, token, accountId: 'acct_a' });
    const b = new WidgetEdge({ baseUrl: admin.baseUrl, token, accountId: 'acct_b' });

    const created = await a.widgetKeys.create({ name: 'on redis', domain_allowlist: ['https://acme.com'] });
    assert.equal(created.account_id, 'acct_a');
    await a.widgetKeys.update(created.id, { name: 'renamed on redis', disabled: true });

    const [listed] = (await a.widgetKeys.list()).filter((key) => key.id === created.id);
    assert.equal(listed.name, 'renamed on redis');
    assert.notEqual(listed.disabled_at, null);
    assert.deepEqual(await b.widgetKeys.list(), [], "another account's keys are not visible");
    await assert.rejects(b.widgetKeys.delete(created.id), (error) => error instanceof WidgetEdgeError && error.status === 404);

    await a.widgetKeys.delete(created.id);
    assert.deepEqual(await a.widgetKeys.list(), []);
  });

  test('without X-Account-ID a token for several accounts gets 400 Missing X-Account-ID header', async () => {
    const unnamed = new WidgetEdge({ baseUrl: admin.baseUrl, token });

    await assert.rejects(unnamed.widgetKeys.list(), (error) => {
      assert.ok(error instanceof WidgetEdgeError);
      assert.equal(error.status, 400);
      assert.equal(error.sentence, 'Missing X-Account-ID header');
      return true;
    });
  });

  test('a stopped Redis is 500 Database error, and the calls work again once it continues', async () => {
    const client = new WidgetEdge({ baseUrl: admin.baseUrl, token, accountId: 'acct_a', maxRetries: 0 });
    const created = await client.widgetKeys.create({ name: 'before the outage' });

    redis.pause();
    try {
      for (const call of [() => client.widgetKeys.list(), () => client.widgetKeys.create({ name: 'during' }),
        () => client.widgetKeys.update(created.id, { name: 'during' }), () => client.widgetKeys.delete(created.id)]) {
        await assert.rejects(call(), (error) => {
          assert.ok(error instanceof WidgetEdgeError);
          assert.equal(error.status, 500);
          assert.equal(error.sentence, 'Database error');
          return true;
        });
      }
    } finally {
      redis.resume();
    }

    const retrying = new WidgetEdge({ baseUrl: admin.baseUrl, token, accountId: 'acct_a', maxRetries: 5 });
    const names = (await retrying.widgetKeys.list()).map((key) => key.name);
    assert.ok(names.includes('before the outage'), `${names}`);
  });
});
