import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { TEST_ADMIN_TOKEN, buildTestApp, legacyUrl } from '../../test/helpers';
import { startLegacy } from '../../test/global-setup';
import { syncBandsFromLegacy } from '../../modules/bands';
import { canaryIdentity, onNewSide } from './canary';

const BANDS = 'GET /api/v1/admin/revenue-bands';
const UNSERVED = 'GET /api/v1/projects';
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const enc = encodeURIComponent;

describe('route table and per-route cutover', () => {
  let app: FastifyInstance;
  let legacyRoutes: string[];

  beforeAll(async () => {
    ({ app } = await buildTestApp());
    const doc = (await (await fetch(`${legacyUrl()}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    legacyRoutes = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item)
        .filter((m) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(m))
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
  });
  afterAll(() => app.close());

  const flip = (key: string, body: unknown, headers: Record<string, string> = auth) =>
    app.inject({ method: 'PUT', url: `/_fig/routes/${enc(key)}`, headers, payload: body as object });

  it('imports the legacy OpenAPI routes at start, one row per METHOD /path, all legacy', async () => {
    const res = await app.inject({ url: '/_fig/routes?limit=500', headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(legacyRoutes.length);
    expect(body.data.map((r: { key: string }) => r.key).sort()).toEqual([...legacyRoutes].sort());
    expect(body.data.every((r: { mode: string }) => r.mode === 'legacy')).toBe(true);
    const bands = body.data.find((r: { key: string }) => r.key === BANDS);
    expect(bands).toMatchObject({ method: 'GET', path: '/api/v1/admin/revenue-bands', module: 'bands', servable: true, mode: 'legacy', tags: ['admin'] });
    expect(body.data.find((r: { key: string }) => r.key === UNSERVED)).toMatchObject({ module: null, servable: false });
  });

  it('starts with an empty table (everything proxied) when legacy is down at start', async () => {
    const { app: cold } = await buildTestApp({ LEGACY_URL: 'http://127.0.0.1:9' });
    try {
      const res = await cold.inject({ url: '/_fig/routes', headers: auth });
      expect(res.json()).toEqual({ data: [], total: 0, hasMore: false, nextCursor: null });
      const imp = await cold.inject({ method: 'POST', url: '/_fig/routes/import', headers: auth, payload: {} });
      expect(imp.statusCode).toBe(502);
      expect(imp.json()).toMatchObject({ code: 'FIG_LEGACY_OPENAPI_UNAVAILABLE', status: 502 });
    } finally {
      await cold.close();
    }
  });

  it('refuses the ops API without the admin token', async () => {
    const res = await app.inject({ url: '/_fig/routes' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toEqual({
      type: 'https://fig.dev/problems/fig-unauthorized',
      title: 'Unauthorized',
      status: 401,
      // The wording is the auth plugin's once identity lands; the shape and code are the contract.
      detail: expect.stringMatching(/token|sign/i),
      instance: '/_fig/routes',
      request_id: expect.any(String),
      code: 'FIG_UNAUTHORIZED',
    });
    const wrong = await flip(BANDS, { mode: 'new', reason: 'try it' }, { authorization: 'Bearer not-the-token-at-all' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ status: 401, code: 'FIG_UNAUTHORIZED' });
    expect(app.routeTable.modeFor(BANDS)).toBe('legacy');
  });

  it('refuses the ops API with a clear message when no ADMIN_TOKEN is configured', async () => {
    const { app: locked } = await buildTestApp({ ADMIN_TOKEN: '' });
    try {
      const res = await locked.inject({ url: '/_fig/routes', headers: auth });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ status: 401, code: 'FIG_UNAUTHORIZED', instance: '/_fig/routes' });
    } finally {
      await locked.close();
    }
  });

  it('answers a route set to new from the bands module, identical to legacy, and back to legacy', async () => {
    const direct = await fetch(`${legacyUrl()}/api/v1/admin/revenue-bands`);
    const legacyBody = await direct.text();

    const before = await app.inject({ url: '/api/v1/admin/revenue-bands' });
    expect(before.statusCode).toBe(200);
    expect(before.body).toBe(legacyBody);
    expect(before.headers.server).toBe(direct.headers.get('server') ?? undefined);

    const res = await flip(BANDS, { mode: 'new', reason: 'bands module ready', override: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ key: BANDS, mode: 'new', module: 'bands', servable: true, version: 2 });

    const moved = await app.inject({ url: '/api/v1/admin/revenue-bands' });
    expect(moved.statusCode).toBe(200);
    expect(moved.headers['content-type']).toContain('application/json');
    expect(moved.headers.server).toBeUndefined(); // not proxied
    expect(moved.json()).toEqual(JSON.parse(legacyBody));
    expect(moved.json()).toEqual({
      version: 1,
      bands: [
        { min_revenue: '0', multiplier: '0.8' },
        { min_revenue: '1000000', multiplier: '1' },
        { min_revenue: '5000000', multiplier: '1.2' },
      ],
      updated_at: '2025-06-30T09:00:00.000Z',
    });

    // Prove the module reads fig's own table: a version only fig has.
    await app.db.insertInto('comp.revenue_band_tables').values({ version: 99, updated_at: '2026-01-01T00:00:00.000Z', source: 'fig' }).execute();
    await app.db.insertInto('comp.revenue_bands').values({ version: 99, position: 0, min_revenue: '0', multiplier: '0.50' }).execute();
    const own = await app.inject({ url: '/api/v1/admin/revenue-bands' });
    expect(own.json()).toEqual({ version: 99, bands: [{ min_revenue: '0', multiplier: '0.5' }], updated_at: '2026-01-01T00:00:00.000Z' });

    const back = await flip(BANDS, { mode: 'legacy', reason: 'roll back' });
    expect(back.json()).toMatchObject({ mode: 'legacy', version: 3 });
    const again = await app.inject({ url: '/api/v1/admin/revenue-bands' });
    expect(again.body).toBe(legacyBody);

    await app.db.deleteFrom('comp.revenue_bands').where('version', '=', 99).execute();
    await app.db.deleteFrom('comp.revenue_band_tables').where('version', '=', 99).execute();
  });

  it('syncs the band table from legacy so the module answers legacy\'s current table', async () => {
    // Changing legacy's band table would leak into other test files sharing the run's legacy
    // service, so this test gets a legacy instance of its own.
    const own = await startLegacy();
    try {
      const put = await fetch(`${own.url}/api/v1/admin/revenue-bands`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ bands: [{ min_revenue: '0', multiplier: '0.75' }, { min_revenue: '2000000', multiplier: '1.1' }] }),
      });
      expect(put.status).toBe(200);
      const { result, table } = await syncBandsFromLegacy(app.db, own.url);
      expect(result).toBe('added');
      expect(table.bands).toEqual([{ min_revenue: '0', multiplier: '0.75' }, { min_revenue: '2000000', multiplier: '1.1' }]);
      await flip(BANDS, { mode: 'new', reason: 'compare after sync', override: true });
      const viaFig = await app.inject({ url: '/api/v1/admin/revenue-bands' });
      const direct = await (await fetch(`${own.url}/api/v1/admin/revenue-bands`)).text();
      expect(viaFig.headers.server).toBeUndefined(); // the module answered, not legacy
      expect(viaFig.body).toBe(direct);
      expect((await syncBandsFromLegacy(app.db, own.url)).result).toBe('updated');
      await flip(BANDS, { mode: 'legacy', reason: 'done comparing' });
    } finally {
      await own.stop();
    }
  });

  it('refuses a flip to new when no module serves the route', async () => {
    const res = await flip(UNSERVED, { mode: 'new', reason: 'too early' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      type: 'https://fig.dev/problems/fig-route-not-servable',
      title: 'Conflict',
      status: 409,
      detail: `No hosted module serves ${UNSERVED}, so it can only be in mode legacy. Register a module whose \`serves\` includes "${UNSERVED}" in gateway/modules.ts, then flip again.`,
      instance: `/_fig/routes/${enc(UNSERVED)}`,
      request_id: expect.any(String),
      code: 'FIG_ROUTE_NOT_SERVABLE',
      routeKey: UNSERVED,
      mode: 'new',
    });
    const changes = await app.db.selectFrom('gateway.route_changes').selectAll().where('route_key', '=', UNSERVED).execute();
    expect(changes).toEqual([]);
  });

  it('answers 404 for an unknown route key', async () => {
    const res = await flip('GET /nope', { mode: 'legacy', reason: 'whatever' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'FIG_NOT_FOUND', detail: 'Route GET /nope was not found', status: 404 });
  });

  it('lists every bad field of a flip body', async () => {
    const res = await flip(BANDS, { mode: 'sideways', reason: 'x', canaryPercent: 101, extra: true });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toEqual({
      type: 'https://fig.dev/problems/fig-validation',
      title: 'Bad Request',
      status: 400,
      detail: `${body.errors.length} invalid field(s)`,
      instance: `/_fig/routes/${enc(BANDS)}`,
      request_id: expect.any(String),
      code: 'FIG_VALIDATION',
      errors: expect.arrayContaining([
        expect.objectContaining({ path: 'body.mode' }),
        expect.objectContaining({ path: 'body.canaryPercent' }),
        expect.objectContaining({ path: 'body.reason', message: 'give a reason of at least 3 characters' }),
      ]),
    });
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.canaryPercent', 'body.extra', 'body.mode', 'body.reason']);
  });

  it('records every flip with actor, reason, before/after and request id', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: `/_fig/routes/${enc(BANDS)}`,
      headers: { ...auth, 'x-request-id': 'req-audit-1' },
      // No shadow evidence yet: the parity gate (issue 7) fails, so this is an override.
      payload: { mode: 'canary', canaryPercent: 10, reason: 'start a canary', override: true },
    });
    expect(res.statusCode).toBe(200);
    const hist = await app.inject({ url: `/_fig/route-changes?routeKey=${enc(BANDS)}&limit=1`, headers: auth });
    expect(hist.json().data[0]).toEqual({
      id: expect.any(String),
      routeKey: BANDS,
      actor: 'admin-token',
      reason: 'start a canary',
      before: { mode: 'legacy', canaryPercent: 0, module: 'bands' },
      after: { mode: 'canary', canaryPercent: 10, module: 'bands' },
      evidence: expect.objectContaining({ overridden: true, gate: expect.objectContaining({ passed: false }) }),
      override: true,
      requestId: 'req-audit-1',
      createdAt: expect.any(String),
    });
    // Canary: the side is a sticky hash of the caller (here its IP) under the route's pinned seed.
    const answered = await app.inject({ url: '/api/v1/admin/revenue-bands' });
    const onNew = onNewSide(app.routeTable.find(BANDS)!.canary_seed, canaryIdentity({ ip: '127.0.0.1' }), 10);
    expect(answered.headers.server === undefined).toBe(onNew);
    // Same mode again: nothing changes, nothing recorded.
    const total = hist.json().total;
    await flip(BANDS, { mode: 'canary', canaryPercent: 10, reason: 'again' });
    const after = await app.inject({ url: `/_fig/route-changes?routeKey=${enc(BANDS)}`, headers: auth });
    expect(after.json().total).toBe(total);
  });

  it('kill switch sends every route back to legacy with one change row each', async () => {
    await flip(BANDS, { mode: 'new', reason: 'before kill', override: true });
    const res = await app.inject({ method: 'POST', url: '/_fig/kill-switch', headers: { ...auth, 'x-request-id': 'req-kill' }, payload: { reason: 'incident 42' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ changed: 1, routes: [BANDS] });
    expect(app.routeTable.modeFor(BANDS)).toBe('legacy');
    const rows = await app.db.selectFrom('gateway.route_changes').selectAll().where('request_id', '=', 'req-kill').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ route_key: BANDS, actor: 'admin-token', reason: 'kill switch: incident 42', before: { mode: 'new' }, after: { mode: 'legacy' } });
    const modes = await app.db.selectFrom('gateway.routes').select('mode').distinct().execute();
    expect(modes).toEqual([{ mode: 'legacy' }]);
    const noop = await app.inject({ method: 'POST', url: '/_fig/kill-switch', headers: auth, payload: { reason: 'again' } });
    expect(noop.json()).toEqual({ changed: 0, routes: [] });
  });

  it('re-imports from the real legacy OpenAPI keeping modes; a new document adds its keys and drops undocumented legacy-mode ones', async () => {
    await flip(BANDS, { mode: 'new', reason: 'keep me', override: true });
    const res = await app.inject({ method: 'POST', url: '/_fig/routes/import', headers: auth, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ added: 0, updated: legacyRoutes.length, removed: 0, orphaned: [], total: legacyRoutes.length });
    expect(app.routeTable.modeFor(BANDS)).toBe('new');
    const doc = { openapi: '3.0.2', paths: { '/api/v1/things/{id}': { get: { summary: 'A thing', tags: ['things'] }, delete: {} } } };
    const more = await app.inject({ method: 'POST', url: '/_fig/routes/import', headers: auth, payload: { openapi: doc } });
    // Every legacy-mode route the new document lacks is dropped; the one a module answers is kept for ops.
    expect(more.json()).toEqual({ added: 2, updated: 0, removed: legacyRoutes.length - 1, orphaned: [BANDS], total: 3 });
    const dropped = await app.db.selectFrom('gateway.route_changes').selectAll().where('route_key', '=', UNSERVED).where('actor', '=', 'openapi-import').execute();
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ reason: 'no longer in the legacy OpenAPI document', before: { mode: 'legacy' }, after: null });
    const one = await app.inject({ url: `/_fig/routes/${enc('GET /api/v1/things/{id}')}`, headers: auth });
    expect(one.json()).toMatchObject({ key: 'GET /api/v1/things/{id}', summary: 'A thing', tags: ['things'], mode: 'legacy', servable: false });
    const back = await app.inject({ method: 'POST', url: '/_fig/routes/import', headers: auth, payload: {} });
    expect(back.json()).toEqual({ added: legacyRoutes.length - 1, updated: 1, removed: 2, orphaned: [], total: legacyRoutes.length });
    const bad = await app.inject({ method: 'POST', url: '/_fig/routes/import', headers: auth, payload: { openapi: { info: {} } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'FIG_BAD_OPENAPI', errors: [{ path: 'body.openapi.paths', message: 'is required' }] });
    await flip(BANDS, { mode: 'legacy', reason: 'reset' });
  });

  it('filters the list and reports recent per-route stats from Redis', async () => {
    for (let i = 0; i < 3; i++) await app.inject({ url: '/api/v1/admin/revenue-bands' });
    await app.inject({ url: '/api/v1/invoices/999999' });
    await app.routeStats.flush();
    const res = await app.inject({ url: `/_fig/routes?prefix=${enc('/api/v1/admin')}&mode=legacy`, headers: auth });
    const data = res.json().data as { key: string; stats: { requests: number; p50Ms: number | null } }[];
    expect(data.every((r) => r.key.includes('/api/v1/admin'))).toBe(true);
    const bands = data.find((r) => r.key === BANDS)!;
    expect(bands.stats.requests).toBeGreaterThanOrEqual(3);
    expect(bands.stats.p50Ms).not.toBeNull();
    const search = await app.inject({ url: '/_fig/routes?search=invoices/{id}', headers: auth });
    expect(search.json().data.map((r: { key: string }) => r.key)).toContain('GET /api/v1/invoices/{id}');
    const one = await app.inject({ url: `/_fig/routes/${enc('GET /api/v1/invoices/{id}')}`, headers: auth });
    expect(one.json().stats).toMatchObject({ requests: 1, errors: 0, windowSeconds: 900 });
  });

  it('lists hosted modules', async () => {
    const res = await app.inject({ url: '/_fig/modules', headers: auth });
    expect(res.json()).toContainEqual({ name: 'bands', serves: [BANDS] });
  });

  it('counts every request on the label-bound series it caches per route key, mode and status class', async () => {
    const value = (text: string, series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line ? Number(line.slice(series.length + 1)) : 0;
    };
    const legacyOk = 'fig_http_requests_total{route_key="GET /api/v1/admin/revenue-bands",mode="legacy",status_class="2xx"}';
    const legacyDuration = 'fig_http_request_duration_seconds_count{route_key="GET /api/v1/admin/revenue-bands",mode="legacy"}';
    const figMissing = 'fig_http_requests_total{route_key="FIG GET /_fig/routes/:key",mode="fig",status_class="4xx"}';
    const before = (await app.inject({ url: '/metrics' })).body;
    for (let i = 0; i < 3; i++) expect((await app.inject({ url: '/api/v1/admin/revenue-bands' })).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) expect((await app.inject({ url: `/_fig/routes/${enc('GET /nope')}`, headers: auth })).statusCode).toBe(404);
    const after = (await app.inject({ url: '/metrics' })).body;
    expect(value(after, legacyOk) - value(before, legacyOk)).toBe(3);
    expect(value(after, legacyDuration) - value(before, legacyDuration)).toBe(3);
    expect(value(after, figMissing) - value(before, figMissing)).toBe(2);
  });

  it('exposes Prometheus metrics by route key, mode and status class', async () => {
    await flip(BANDS, { mode: 'new', reason: 'metrics', override: true });
    await app.inject({ url: '/api/v1/admin/revenue-bands' });
    await flip(BANDS, { mode: 'legacy', reason: 'metrics done' });
    await app.inject({ url: '/api/v1/admin/revenue-bands' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    const text = res.body;
    expect(text).toMatch(/fig_http_requests_total\{route_key="GET \/api\/v1\/admin\/revenue-bands",mode="new",status_class="2xx"\} [1-9]/);
    expect(text).toMatch(/fig_http_requests_total\{route_key="GET \/api\/v1\/admin\/revenue-bands",mode="legacy",status_class="2xx"\} [1-9]/);
    expect(text).toMatch(/fig_http_request_duration_seconds_bucket\{le="0.005",route_key="GET \/api\/v1\/admin\/revenue-bands",mode="new"\}/);
    expect(text).toMatch(/fig_upstream_latency_seconds_count\{route_key="GET \/api\/v1\/admin\/revenue-bands",status="200"\} [1-9]/);
    expect(text).toMatch(/fig_route_flips_total\{from="legacy",to="new"\} [1-9]/);
    expect(text).toMatch(/fig_kill_switch_total [1-9]/);
    expect(text).toMatch(/fig_routes\{mode="legacy"\} \d+/);
  });

  it('documents fig routes and lists legacy routes by mode on /docs', async () => {
    const res = await app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const spec = res.json();
    expect(spec.paths['/_fig/routes/{key}'].put.requestBody).toBeDefined();
    expect(spec.paths['/api/v1/admin/revenue-bands']).toBeUndefined();
    expect(spec.info.description).toContain(`| \`${BANDS}\` | legacy | bands |`);
    expect(spec['x-legacy-routes']).toContainEqual({ key: BANDS, mode: 'legacy', module: 'bands' });
  });

  it('answers /app/ with a 503 problem when the SPA is not built', async () => {
    const { app: bare } = await buildTestApp({ WEB_DIST_DIR: '/nonexistent/web/dist' });
    try {
      const res = await bare.inject({ url: '/app/routes' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        code: 'FIG_SPA_NOT_BUILT',
        detail: 'The web console is not built (no index.html in /nonexistent/web/dist). Run `npm run web:build` and restart the gateway.',
      });
    } finally {
      await bare.close();
    }
  });

  it('logs the route key and mode of every dispatched and proxied request', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
    const { app: logged } = await buildTestApp({ LOG_LEVEL: 'info' }, { logger: { stream } });
    try {
      await logged.inject({ url: '/api/v1/admin/revenue-bands', headers: { 'x-request-id': 'log-1' } });
      await logged.inject({ url: '/api/v1/invoices/1', headers: { 'x-request-id': 'log-2' } });
      const done = (id: string) => lines.find((l) => l.reqId === id && l.msg === 'request completed');
      expect(done('log-1')).toMatchObject({ routeKey: BANDS, routeMode: 'legacy', statusCode: 200 });
      expect(done('log-2')).toMatchObject({ routeKey: 'GET /api/v1/invoices/{id}', routeMode: 'legacy' });
    } finally {
      await logged.close();
    }
  });

  it('keeps modes consistent with the database after a reload', async () => {
    await sql`update gateway.routes set mode = 'shadow' where key = ${BANDS}`.execute(app.db);
    await app.routeTable.reload('test');
    expect(app.routeTable.modeFor(BANDS)).toBe('shadow');
    await sql`update gateway.routes set mode = 'legacy' where key = ${BANDS}`.execute(app.db);
    await app.routeTable.reload('test');
  });
});
