import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../gateway/app';
import { TEST_ADMIN_TOKEN, buildTestApp, legacyUrl, testConfig } from '../../test/helpers';
import type { FigModule, ModuleRequest, ModuleResponse } from '../../modules/core/module';
import { canaryBucket, canaryIdentity, onNewSide } from '../../gateway/routing/canary';

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const enc = encodeURIComponent;
const LIST = 'GET /api/v1/customers';
const ECHO = 'GET /api/v1/_diag/echo';
const VENDORS = 'GET /api/v1/vendors';

const sameAsLegacy = async (req: ModuleRequest): Promise<ModuleResponse> => {
  const res = await fetch(new URL(req.url, legacyUrl()));
  return { status: res.status, headers: { 'content-type': 'application/json' }, body: await res.json() };
};

const modules = (vendors: { fail: boolean }): FigModule[] => [
  {
    name: 'gates-test',
    serves: {
      [LIST]: sameAsLegacy,
      [ECHO]: async () => ({ status: 200, body: { side: 'new' } }),
      [VENDORS]: async (req) => (vendors.fail ? { status: 503, body: { detail: 'module down' } } : sameAsLegacy(req)),
    },
  },
];

describe('parity gates, canary and auto-rollback', () => {
  let a: FastifyInstance;
  let b: FastifyInstance;
  const vendors = { fail: false };

  const flip = (app: FastifyInstance, key: string, body: Record<string, unknown>) =>
    app.inject({ method: 'PUT', url: `/_fig/routes/${enc(key)}`, headers: auth, payload: body });

  beforeAll(async () => {
    ({ app: a } = await buildTestApp({ SHADOW_NOISE_SAMPLE_RATE: '0', AUTOROLLBACK_ENABLED: 'false' }, { modules: modules(vendors) }));
    // A second gateway process on the same database and Redis prefix.
    const cfg = await testConfig({ DATABASE_URL: a.config.DATABASE_URL, REDIS_PREFIX: a.config.REDIS_PREFIX, SHADOW_NOISE_SAMPLE_RATE: '0', AUTOROLLBACK_ENABLED: 'false' });
    b = await buildApp(cfg, { logger: false, modules: modules(vendors) });
    await b.ready();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('refuses canary/new while the gate fails, with every failing check and the evidence', async () => {
    const res = await flip(a, LIST, { mode: 'new', reason: 'too early' });
    expect(res.statusCode).toBe(409);
    const body = res.json();
    expect(body).toMatchObject({
      type: 'https://fig.dev/problems/fig-gate-failed',
      title: 'Conflict',
      status: 409,
      code: 'FIG_GATE_FAILED',
      instance: `/_fig/routes/${enc(LIST)}`,
      routeKey: LIST,
      mode: 'new',
      detail: expect.stringContaining('The HTTP shadow gate of GET /api/v1/customers fails (samples: 0, needs >= 50'),
    });
    expect(body.checks.map((c: { name: string; passed: boolean }) => [c.name, c.passed])).toEqual([
      ['servable', true],
      ['samples', false],
      ['matchRate', false],
      ['moneyDiff', true],
      ['latency', false],
    ]);
    expect(body.evidence.totals).toMatchObject({ samples: 0, mismatches: 0 });
    expect(a.routeTable.modeFor(LIST)).toBe('legacy');
    const gate = (await a.inject({ url: `/_fig/routes/${enc(LIST)}/gate`, headers: auth })).json();
    expect(gate).toMatchObject({ passed: false, checks: body.checks.map((c: object) => expect.objectContaining({ ...c })) });
    const listed = (await a.inject({ url: '/_fig/routes?prefix=/api/v1/customers', headers: auth })).json();
    expect(listed.data.find((r: { key: string }) => r.key === LIST).gate).toEqual({ passed: false, failing: ['samples', 'matchRate', 'latency'], blockedBy: ['shadow'] });
    expect(listed.data.find((r: { key: string }) => r.key === 'POST /api/v1/customers').gate).toEqual({ passed: false, failing: ['servable'], blockedBy: ['module'] });
  });

  it('passes the gate once shadow evidence meets it, and the flip records that evidence', async () => {
    await a.inject({ method: 'PUT', url: `/_fig/routes/${enc(LIST)}/settings`, headers: auth, payload: { gate: { minSamples: 5, maxLatencyRatio: 50 }, reason: 'small gate for the test' } });
    expect((await flip(a, LIST, { mode: 'shadow', reason: 'collect evidence' })).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await a.inject({ url: `/api/v1/customers?limit=${i + 1}` })).statusCode).toBe(200);
    await a.shadow.drain();
    const gate = (await a.inject({ url: `/_fig/routes/${enc(LIST)}/gate`, headers: auth })).json();
    expect(gate.checks.map((c: { name: string; passed: boolean }) => [c.name, c.passed])).toEqual([
      ['servable', true],
      ['samples', true],
      ['matchRate', true],
      ['moneyDiff', true],
      ['latency', true],
    ]);
    expect(gate.passed).toBe(true);
    const res = await flip(a, LIST, { mode: 'canary', canaryPercent: 10, reason: 'gate passed' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ mode: 'canary', canaryPercent: 10, gate: { passed: true, failing: [] } });
    const [change] = (await a.inject({ url: `/_fig/route-changes?routeKey=${enc(LIST)}&limit=1`, headers: auth })).json().data;
    expect(change).toMatchObject({ override: false, after: { mode: 'canary', canaryPercent: 10 }, evidence: { overridden: false, gate: { passed: true, totals: { samples: 5, matches: 5 } } } });
    // Lowering exposure is never gated.
    expect((await flip(a, LIST, { mode: 'legacy', reason: 'done' })).statusCode).toBe(200);
  });

  it('lets an override through with a reason, recorded with override=true and the evidence at that time', async () => {
    const res = await flip(a, ECHO, { mode: 'canary', canaryPercent: 20, reason: 'ops override for the canary test', override: true });
    expect(res.statusCode).toBe(200);
    const [change] = (await a.inject({ url: `/_fig/route-changes?routeKey=${enc(ECHO)}&limit=1`, headers: auth })).json().data;
    expect(change).toMatchObject({
      actor: 'admin-token',
      override: true,
      reason: 'ops override for the canary test',
      evidence: { overridden: true, gate: { passed: false, checks: expect.arrayContaining([expect.objectContaining({ name: 'samples', passed: false, actual: 0 })]) } },
    });
  });

  it('keeps each caller on the same side in both gateway processes, and raising the percent only adds callers', async () => {
    await b.routeTable.reload('test');
    const seed = a.routeTable.find(ECHO)!.canary_seed;
    expect(b.routeTable.find(ECHO)!.canary_seed).toBe(seed);
    const sessions = Array.from({ length: 120 }, (_, i) => `sess-${i}`);
    const sideIn = async (app: FastifyInstance, s: string) => {
      const res = await app.inject({ url: '/api/v1/_diag/echo', headers: { cookie: `legacy_seen=1; legacy_session=${s}` } });
      return res.json().side === 'new' ? 'new' : 'legacy';
    };
    const at20 = await Promise.all(sessions.map((s) => sideIn(a, s)));
    expect(await Promise.all(sessions.map((s) => sideIn(b, s)))).toEqual(at20);
    expect(at20).toEqual(sessions.map((s) => (onNewSide(seed, canaryIdentity({ cookie: `legacy_session=${s}` }), 20) ? 'new' : 'legacy')));
    const onNew20 = sessions.filter((_, i) => at20[i] === 'new');
    expect(onNew20.length).toBeGreaterThan(5);
    expect(onNew20.length).toBeLessThan(60);

    expect((await flip(b, ECHO, { mode: 'canary', canaryPercent: 50, reason: 'widen', override: true })).statusCode).toBe(200);
    await a.routeTable.reload('test');
    const at50 = await Promise.all(sessions.map((s) => sideIn(a, s)));
    expect(await Promise.all(sessions.map((s) => sideIn(b, s)))).toEqual(at50);
    for (const s of onNew20) expect(at50[sessions.indexOf(s)]).toBe('new');
    expect(at50.filter((x) => x === 'new').length).toBeGreaterThan(onNew20.length);
    // The legacy side was shadowed to the module and the new side reverse-shadowed to legacy.
    await a.shadow.drain();
    await b.shadow.drain();
    const sides = await a.db.selectFrom('shadow.samples').select('primary_side').distinct().where('route_key', '=', ECHO).orderBy('primary_side').execute();
    expect(sides.map((r) => r.primary_side)).toEqual(['legacy', 'new']);
  });

  it('buckets are monotone in the percent for any seed and identity', () => {
    for (let i = 0; i < 2000; i++) {
      const seed = `seed-${i % 7}`;
      const id = `tenant:${i}`;
      const bucket = canaryBucket(seed, id);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(10_000);
      let was = false;
      for (let p = 0; p <= 100; p += 5) {
        const now = onNewSide(seed, id, p);
        if (was) expect(now).toBe(true);
        was = now;
      }
      expect(onNewSide(seed, id, 100)).toBe(true);
      expect(onNewSide(seed, id, 0)).toBe(false);
    }
  });

  it('refuses to change a pinned canary seed', async () => {
    await expect(a.db.updateTable('gateway.routes').set({ canary_seed: 'x' } as never).where('key', '=', ECHO).execute()).rejects.toThrow(/canary_seed is pinned/);
  });

  it('rolls a route in new back by itself when module errors exceed the budget, and records why', async () => {
    await a.inject({ method: 'PUT', url: `/_fig/routes/${enc(VENDORS)}/settings`, headers: auth, payload: { gate: { rollback: { windowSeconds: 60, maxErrorRate: 0.2, minRequests: 5 } }, reason: 'tight budget' } });
    expect((await flip(a, VENDORS, { mode: 'new', reason: 'move vendors', override: true })).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await a.inject({ url: '/api/v1/vendors' })).statusCode).toBe(200);
    // (The canary route of the test above may be rolled back here; vendors is within budget.)
    expect((await a.autoRollback.tick()).filter((x) => x.routeKey === VENDORS)).toEqual([]);
    vendors.fail = true;
    for (let i = 0; i < 3; i++) expect((await a.inject({ url: '/api/v1/vendors' })).statusCode).toBe(503);
    await new Promise((r) => setTimeout(r, 50)); // the served counters are written fire-and-forget
    const actions = await a.autoRollback.tick();
    expect(actions).toEqual([
      expect.objectContaining({ routeKey: VENDORS, from: 'new', to: 'legacy', reason: 'auto-rollback: error rate 37.5% (3 of 8 module answers were 5xx) over 60s exceeds the budget 20%' }),
    ]);
    expect(a.routeTable.modeFor(VENDORS)).toBe('legacy');
    const [change] = (await a.inject({ url: `/_fig/route-changes?routeKey=${enc(VENDORS)}&limit=1`, headers: auth })).json().data;
    expect(change).toMatchObject({ actor: 'auto-rollback', before: { mode: 'new' }, after: { mode: 'legacy' }, evidence: { served: { requests: 8, errors: 3 } } });
    expect((await a.inject({ url: '/api/v1/vendors' })).headers.server).toBe('uvicorn');
    const metrics = await a.inject({ url: '/metrics' });
    expect(metrics.body).toContain(`fig_auto_rollbacks_total{route_key="${VENDORS}",to="legacy"} 1`);
    vendors.fail = false;
  });

  it('rolls a canary back to legacy when shadow mismatches exceed the budget', async () => {
    await a.inject({ method: 'PUT', url: `/_fig/routes/${enc(ECHO)}/settings`, headers: auth, payload: { gate: { rollback: { windowSeconds: 60, maxMismatchRate: 0.1, minRequests: 5 } }, reason: 'tight budget' } });
    expect((await flip(a, ECHO, { mode: 'canary', canaryPercent: 60, reason: 'again', override: true })).statusCode).toBe(200);
    for (let i = 0; i < 8; i++) await a.inject({ url: '/api/v1/_diag/echo', headers: { cookie: `legacy_session=rb-${i}` } });
    await a.shadow.drain();
    const actions = await a.autoRollback.tick();
    expect(actions).toEqual([expect.objectContaining({ routeKey: ECHO, from: 'canary', to: 'legacy', reason: expect.stringMatching(/^auto-rollback: mismatch rate 100% \(\d+ of \d+ shadow samples\) over 60s exceeds the budget 10%$/) })]);
    expect(a.routeTable.modeFor(ECHO)).toBe('legacy');
  });
});
