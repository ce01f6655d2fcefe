import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { TEST_ADMIN_TOKEN, buildTestApp, legacyUrl } from '../../test/helpers';
import { backfillSessions, SessionStore } from './index';

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const enc = encodeURIComponent;
const CREATE = 'POST /api/v1/sessions';
const LIST = 'GET /api/v1/sessions';
const READ = 'GET /api/v1/sessions/{id}';
const UPDATE = 'PUT /api/v1/sessions/{id}';
const DELETE = 'DELETE /api/v1/sessions/{id}';
const ALL = [CREATE, LIST, READ, UPDATE, DELETE];

/** Cookie attributes without the values that differ per session/time. */
const cookieShape = (h: string | string[] | undefined) => [h ?? []].flat().map((c) => c.replace(/=[0-9a-f]{32};/, '=<id>;').replace(/expires=[^;]+;/, 'expires=<date>;'));

describe('sessions: the first route family moved off legacy (dual-write → shadow → new)', () => {
  let app: FastifyInstance;
  const before: { id: string }[] = [];

  const flip = (key: string, body: Record<string, unknown>) => app.inject({ method: 'PUT', url: `/_fig/routes/${enc(key)}`, headers: auth, payload: body });
  const settings = (key: string, body: Record<string, unknown>) =>
    app.inject({ method: 'PUT', url: `/_fig/routes/${enc(key)}/settings`, headers: auth, payload: { reason: 'sessions migration', ...body } });
  const store = () => new SessionStore(app.redis, app.config.REDIS_PREFIX);

  beforeAll(async () => {
    ({ app } = await buildTestApp({ SHADOW_NOISE_SAMPLE_RATE: '0', AUTOROLLBACK_ENABLED: 'false' }));
    // Sessions created before the migration (through the gateway, all routes in legacy).
    for (let i = 0; i < 3; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { data: { cart: [i], who: `before-${i}` } } });
      expect(res.statusCode).toBe(201);
      before.push(res.json());
    }
  });
  afterAll(() => app?.close());

  it('dual-writes: legacy answers, fig writes the same session with the same id, and reads compare clean', async () => {
    for (const key of [CREATE, UPDATE, DELETE]) expect((await settings(key, { writePolicy: 'dual-write' })).statusCode).toBe(200);
    for (const key of ALL) {
      expect((await settings(key, { normalise: { ignore: ['$.updated_at', '$.items[*].updated_at'] }, gate: { minSamples: 3, maxLatencyRatio: 100 } })).statusCode).toBe(200);
      expect((await flip(key, { mode: 'shadow', reason: 'sessions: dual-write and shadow reads' })).statusCode).toBe(200);
    }
    const created = await app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { data: { theme: 'dark' } } });
    expect(created.statusCode).toBe(201);
    expect(created.headers.server).toBe('uvicorn'); // legacy answered
    const s = created.json();
    await app.shadow.drain();
    expect(await store().find(s.id)).toEqual(s);

    const put = await app.inject({ method: 'PUT', url: `/api/v1/sessions/${s.id}`, payload: { data: { theme: 'light' } } });
    expect(put.statusCode).toBe(200);
    await app.shadow.drain();
    expect(await store().find(s.id)).toEqual(put.json());

    for (let i = 0; i < 3; i++) expect((await app.inject({ url: `/api/v1/sessions/${s.id}` })).statusCode).toBe(200);
    await app.shadow.drain();
    const stats = (await app.inject({ url: `/_fig/routes/${enc(READ)}/shadow?window=15m`, headers: auth })).json();
    expect(stats.totals).toMatchObject({ samples: 3, matches: 3, mismatches: 0, errors: 0 });
    const writes = (await app.inject({ url: `/_fig/routes/${enc(CREATE)}/shadow?window=15m`, headers: auth })).json();
    expect(writes.totals).toMatchObject({ samples: 1, matches: 1, mismatches: 0 });
    const mapping = await app.db.selectFrom('shadow.external_id_mappings').selectAll().where('legacy_id', '=', s.id).executeTakeFirst();
    expect(mapping).toMatchObject({ entity: '/api/v1/sessions', legacy_id: s.id, new_id: s.id, route_key: CREATE });
  });

  it('records drift on a session fig does not have yet, and reconcile makes fig equal legacy', async () => {
    const old = before[0]!;
    const put = await app.inject({ method: 'PUT', url: `/api/v1/sessions/${old.id}`, payload: { data: { who: 'before-0', changed: true } } });
    expect(put.statusCode).toBe(200);
    await app.shadow.drain();
    const issues = (await app.inject({ url: `/_fig/routes/${enc(UPDATE)}/reconciliation`, headers: auth })).json().data;
    expect(issues).toEqual([expect.objectContaining({ routeKey: UPDATE, entity: '/api/v1/sessions', legacyId: old.id, kind: 'new_write_failed', status: 'open', detail: expect.objectContaining({ legacyStatus: 200, newStatus: 404 }) })]);
    const rec = await app.inject({ method: 'POST', url: `/_fig/routes/${enc(UPDATE)}/reconcile`, headers: auth });
    expect(rec.json()).toMatchObject({ routeKey: UPDATE, open: 1, resolved: 1, failed: 0, results: [{ legacyId: old.id, outcome: 'imported' }] });
    expect(await store().find(old.id)).toEqual(put.json());
  });

  it('backfills sessions created before the migration, idempotently', async () => {
    const first = await backfillSessions({ redis: app.redis, redisPrefix: app.config.REDIS_PREFIX, legacyUrl: legacyUrl() }, { pageSize: 2 });
    expect(first.imported).toBeGreaterThanOrEqual(2);
    expect(first.pages).toBeGreaterThanOrEqual(2);
    for (const s of before.slice(1)) expect(await store().find(s.id)).toEqual(await (await fetch(`${legacyUrl()}/api/v1/sessions/${s.id}`)).json());
    const again = await backfillSessions({ redis: app.redis, redisPrefix: app.config.REDIS_PREFIX, legacyUrl: legacyUrl() }, { pageSize: 50 });
    // Already imported sessions are kept, not written again (others may have created new ones since).
    expect(again.skipped).toBeGreaterThanOrEqual(first.imported);
  });

  it('passes the read gate on clean shadow evidence and cuts over to new; legacy-created sessions stay readable', async () => {
    for (const s of before) expect((await app.inject({ url: `/api/v1/sessions/${s.id}` })).statusCode).toBe(200);
    await app.shadow.drain();
    const gate = (await app.inject({ url: `/_fig/routes/${enc(READ)}/gate`, headers: auth })).json();
    expect(gate).toMatchObject({ passed: true, evidence: { totals: { mismatches: 0 } } });
    expect((await flip(READ, { mode: 'new', reason: 'sessions: reads are clean' })).statusCode).toBe(200);
    for (const key of [CREATE, UPDATE, DELETE, LIST]) {
      const res = await flip(key, { mode: 'new', reason: 'sessions: cut over the family', override: true });
      expect(res.statusCode).toBe(200);
    }

    for (const s of before) {
      const viaFig = await app.inject({ url: `/api/v1/sessions/${s.id}` });
      expect(viaFig.statusCode).toBe(200);
      expect(viaFig.headers.server).toBeUndefined(); // the module answered
      expect(viaFig.json()).toEqual(await (await fetch(`${legacyUrl()}/api/v1/sessions/${s.id}`)).json());
    }
    const missing = await app.inject({ url: '/api/v1/sessions/0123456789abcdef0123456789abcdef' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'Session not found' });
  });

  it('answers like legacy in new: same JSON, status codes, validation errors and cookies', async () => {
    const direct = await fetch(`${legacyUrl()}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":{"a":1}}' });
    const created = await app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { data: { a: 1 } } });
    expect(created.statusCode).toBe(201);
    expect(created.headers.server).toBeUndefined();
    expect(cookieShape(created.headers['set-cookie'])).toEqual(cookieShape(direct.headers.getSetCookie()));
    const body = created.json();
    expect(Object.keys(body)).toEqual(Object.keys(await direct.json()));
    expect(body).toMatchObject({ data: { a: 1 }, id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(Date.parse(body.expires_at) - Date.parse(body.created_at)).toBe(86_400_000);

    const bad = await app.inject({ method: 'PUT', url: `/api/v1/sessions/${body.id}`, payload: { data: 5 } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toEqual({ detail: [{ loc: ['body', 'data'], msg: 'value is not a valid dict', type: 'type_error.dict' }] });

    const list = await app.inject({ url: '/api/v1/sessions?limit=2&offset=0' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ limit: 2, offset: 0, items: [expect.objectContaining({ id: expect.any(String) }), expect.anything()] });
    const badLimit = await app.inject({ url: '/api/v1/sessions?limit=0' });
    expect(badLimit.json()).toEqual(await (await fetch(`${legacyUrl()}/api/v1/sessions?limit=0`)).json());

    const del = await app.inject({ method: 'DELETE', url: `/api/v1/sessions/${body.id}` });
    expect(del.statusCode).toBe(204);
    expect(cookieShape(del.headers['set-cookie'])).toEqual(['legacy_session=""; expires=<date>; Max-Age=0; Path=/; SameSite=lax']);
    expect((await app.inject({ url: `/api/v1/sessions/${body.id}` })).statusCode).toBe(404);
  });

  it('reads a legacy session fig never saw through the legacy fallback (not backfilled yet)', async () => {
    const late = await (await fetch(`${legacyUrl()}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":{"late":true}}' })).json();
    const res = await app.inject({ url: `/api/v1/sessions/${late.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(late);
    expect(await store().find(late.id)).toEqual(late);
  });
});
