import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { buildApp } from '../app';
import { TEST_ADMIN_TOKEN, createTestDb, testConfig } from '../../test/helpers';

const BANDS = 'GET /api/v1/admin/revenue-bands';
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/** Ask a listening gateway who answers the bands route: 'module' (fig) or 'legacy' (proxied, uvicorn). */
async function whoAnswers(base: string): Promise<'module' | 'legacy'> {
  const res = await fetch(`${base}/api/v1/admin/revenue-bands`);
  await res.arrayBuffer();
  return res.headers.get('server') ? 'legacy' : 'module';
}

/** Poll until `fn` returns the wanted value or the time is up; returns what it saw last. */
async function within<T>(ms: number, want: T, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  let seen = await fn();
  while (seen !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    seen = await fn();
  }
  return seen;
}

describe('route flips across two running gateway processes', () => {
  let a: FastifyInstance;
  let b: FastifyInstance;
  let urlA: string;
  let urlB: string;

  beforeAll(async () => {
    const DATABASE_URL = await createTestDb();
    const REDIS_PREFIX = `test:${randomBytes(6).toString('hex')}:`;
    // B reloads periodically every 400 ms (fallback); A's periodic reload never fires during the
    // test (10 min), so A can only learn about a flip through pub/sub.
    a = await buildApp(await testConfig({ DATABASE_URL, REDIS_PREFIX, ROUTE_RELOAD_INTERVAL_MS: '600000' }), { logger: false });
    b = await buildApp(await testConfig({ DATABASE_URL, REDIS_PREFIX, ROUTE_RELOAD_INTERVAL_MS: '400' }), { logger: false });
    urlA = await a.listen({ host: '127.0.0.1', port: 0 });
    urlB = await b.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('a flip on one gateway is served by the other within one second, and back', async () => {
    expect(await whoAnswers(urlA)).toBe('legacy');
    expect(await whoAnswers(urlB)).toBe('legacy');

    const res = await fetch(`${urlB}/_fig/routes/${encodeURIComponent(BANDS)}`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'new', reason: 'fan-out test', override: true }),
    });
    expect(res.status).toBe(200);
    expect(await within(1000, 'module', () => whoAnswers(urlA))).toBe('module');
    expect(await whoAnswers(urlB)).toBe('module');

    await fetch(`${urlA}/_fig/kill-switch`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'fan-out rollback' }),
    });
    expect(await within(1000, 'legacy', () => whoAnswers(urlB))).toBe('legacy');
  });

  it('picks up a change whose message was lost through the periodic reload', async () => {
    // Change the database behind everyone's back: no publish happens.
    await sql`update gateway.routes set mode = 'new', version = version + 1 where key = ${BANDS}`.execute(a.db);
    expect(await within(1500, 'module', () => whoAnswers(urlB))).toBe('module');
    // A reloads only every 10 min and got no message, so it still proxies: the fallback is what moved B.
    expect(await whoAnswers(urlA)).toBe('legacy');
    await sql`update gateway.routes set mode = 'legacy' where key = ${BANDS}`.execute(a.db);
    await a.routeTable.reload('test');
    expect(await within(1500, 'legacy', () => whoAnswers(urlB))).toBe('legacy');
  });

  it('a settings change on one gateway is written once, recorded with actor and reason, and reaches the other through pub/sub', async () => {
    await b.routeTable.reload('test');
    const res = await fetch(`${urlB}/_fig/routes/${encodeURIComponent(BANDS)}/settings`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ writePolicy: 'dry-run', normalise: { ignore: ['$.generated_at'] }, reason: 'fan-out settings' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { key: string; writePolicy: string; version: number };
    expect(body).toMatchObject({ key: BANDS, writePolicy: 'dry-run' });
    // A only learns through pub/sub (its periodic reload is 10 min away).
    expect(await within(1000, 'dry-run', async () => a.routeTable.find(BANDS)?.write_policy)).toBe('dry-run');
    // The normalise schema fills its defaults before the route table stores the rules.
    const normalise = { ignore: ['$.generated_at'], moneyTolerance: '0.01', arrayKeys: {}, idPaths: [], idField: '$.id', sensitive: [], compareStatus: true, sampleRate: 1 };
    expect(a.routeTable.find(BANDS)).toMatchObject({ version: body.version, normalise });
    const changes = await a.db.selectFrom('gateway.route_changes').selectAll().where('reason', '=', 'settings: fan-out settings').execute();
    expect(changes.map((c) => ({ routeKey: c.route_key, actor: c.actor, after: c.after }))).toEqual([
      { routeKey: BANDS, actor: 'admin-token', after: { mode: 'legacy', canaryPercent: 0, module: 'bands', writePolicy: 'dry-run', normalise, gate: {} } },
    ]);
  });
});
