import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../gateway/app';
import { TEST_ADMIN_TOKEN, buildTestApp, legacyUrl, ownerDb, testConfig } from '../../test/helpers';
import type { Db } from '../../modules/core/db';
import type { FigModule, ModuleRequest, ModuleResponse } from '../../modules/core/module';
import { BONUS_ROUTE_KEYS, BONUS_ROUTE_SETTINGS } from '../families/bonus';

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const enc = encodeURIComponent;
const UPLOADS = 'GET /api/v1/uploads';
const BATCHES = 'GET /api/v1/batches';
const SCENARIOS = 'GET /api/v1/scenarios';

// Reads answered with legacy's own bytes, so the shadow finds them equal (the real module is modules/runs).
const sameAsLegacy = async (req: ModuleRequest): Promise<ModuleResponse> => {
  const res = await fetch(new URL(req.url, legacyUrl()));
  return { status: res.status, headers: { 'content-type': 'application/json' }, body: await res.json() };
};
const bonusModule: FigModule = {
  name: 'bonus-test',
  serves: Object.fromEntries(BONUS_ROUTE_KEYS.map((k) => [k, sameAsLegacy])),
};

describe('group flips and the engine gate on the bonus family', () => {
  let a: FastifyInstance;
  let b: FastifyInstance;
  let owner: Db;

  const groupFlip = (app: FastifyInstance, body: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/_fig/route-groups/flip', headers: auth, payload: body });
  const changesOf = async (key: string) =>
    (await a.inject({ url: `/_fig/route-changes?routeKey=${enc(key)}&limit=50`, headers: auth })).json().data;
  const insertReport = (signed: boolean) =>
    owner
      .insertInto('parity.reports')
      .values({
        tenant_id: a.config.LEGACY_TENANT,
        name: signed ? 'historical batches (signed)' : 'historical batches',
        source: JSON.stringify({ kind: 'historical', batchIds: [1] }),
        plan_ref: JSON.stringify({ seed: 'legacy-bonus' }),
        status: 'done',
        employees: 10,
        matched: 10,
        gate_a: JSON.stringify({ passed: true, checks: [] }),
        created_by: 'finance@acme.test',
        finished_at: new Date(),
        ...(signed
          ? { signed_off_by: 'finance@acme.test', signed_off_at: new Date(), sign_off_note: 'ok' }
          : {}),
      } as never)
      .execute();

  beforeAll(async () => {
    const env = { SHADOW_NOISE_SAMPLE_RATE: '0', AUTOROLLBACK_ENABLED: 'false' };
    ({ app: a } = await buildTestApp(env, { modules: [bonusModule] }));
    b = await buildApp(
      await testConfig({ ...env, DATABASE_URL: a.config.DATABASE_URL, REDIS_PREFIX: a.config.REDIS_PREFIX }),
      { logger: false, modules: [bonusModule] },
    );
    await b.ready();
    owner = ownerDb(a.config);
    // A small shadow gate, so two samples per read route make it pass; the engine gate is the one under test.
    for (const key of [UPLOADS, BATCHES, SCENARIOS])
      expect(
        (
          await a.inject({
            method: 'PUT',
            url: `/_fig/routes/${enc(key)}/settings`,
            headers: auth,
            payload: { gate: { minSamples: 2, maxLatencyRatio: 1000 }, reason: 'small gate for the test' },
          })
        ).statusCode,
      ).toBe(200);
  });
  afterAll(async () => {
    await owner?.destroy();
    await a?.close();
    await b?.close();
  });

  it('gives the family its write policies and normalisation rules when the routes are imported', async () => {
    const rows = await a.db
      .selectFrom('gateway.routes')
      .select(['key', 'write_policy', 'normalise'])
      .where('key', 'in', [...BONUS_ROUTE_KEYS])
      .orderBy('key')
      .execute();
    expect(rows).toHaveLength(BONUS_ROUTE_KEYS.length);
    for (const r of rows) {
      const want = BONUS_ROUTE_SETTINGS[r.key as (typeof BONUS_ROUTE_KEYS)[number]];
      expect([r.key, r.write_policy]).toEqual([r.key, want.writePolicy]);
      expect(r.normalise).toMatchObject(want.normalise);
    }
    const [change] = await changesOf('POST /api/v1/batches');
    expect(change).toMatchObject({
      actor: 'openapi-import',
      reason: 'settings: route family defaults (write policy, normalisation rules)',
    });
  });

  it('flips a prefix group to shadow in one transaction with one reason, seen by every gateway', async () => {
    const res = await groupFlip(a, {
      prefix: ['/api/v1/uploads', '/api/v1/batches', '/api/v1/scenarios'],
      mode: 'shadow',
      reason: 'bonus family: start the shadow',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const keys = BONUS_ROUTE_KEYS.filter((k) => /\/(uploads|batches|scenarios)/.test(k)).sort();
    expect(body.changed.sort()).toEqual(keys);
    expect(body.unchanged).toEqual([]);
    expect(
      body.routes.every(
        (r: { mode: string; module: string }) => r.mode === 'shadow' && r.module === 'bonus-test',
      ),
    ).toBe(true);
    await b.routeTable.reload('test');
    for (const k of keys) expect([k, b.routeTable.modeFor(k)]).toEqual([k, 'shadow']);
    expect(a.routeTable.modeFor('POST /api/v1/calculate')).toBe('legacy');
    const [change] = await changesOf(BATCHES);
    expect(change).toMatchObject({
      actor: 'admin-token',
      reason: 'bonus family: start the shadow',
      before: { mode: 'legacy' },
      after: { mode: 'shadow', module: 'bonus-test' },
      evidence: {
        group: { selector: { prefix: ['/api/v1/uploads', '/api/v1/batches', '/api/v1/scenarios'] }, keys },
      },
    });
    // Flipping again to the same mode changes and records nothing.
    const again = (await groupFlip(a, { prefix: '/api/v1/uploads', mode: 'shadow', reason: 'again' })).json();
    expect(again.changed).toEqual([]);
    expect(again.unchanged.sort()).toEqual(keys.filter((k) => k.includes('/uploads')));
  });

  it('refuses the whole group when one route has no module, and changes nothing', async () => {
    const res = await groupFlip(a, {
      keys: [UPLOADS, 'GET /api/v1/customers'],
      mode: 'legacy',
      reason: 'uploads back',
    });
    expect(res.statusCode).toBe(200); // going back to legacy needs no module
    expect(a.routeTable.modeFor(UPLOADS)).toBe('legacy');
    const refused = await groupFlip(a, {
      keys: [UPLOADS, 'GET /api/v1/customers'],
      mode: 'shadow',
      reason: 'customers too',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'FIG_ROUTE_NOT_SERVABLE',
      status: 409,
      routes: ['GET /api/v1/customers'],
      detail: expect.stringContaining('Nothing was flipped'),
    });
    expect(a.routeTable.modeFor(UPLOADS)).toBe('legacy');
    expect(
      (await groupFlip(a, { keys: [UPLOADS], mode: 'shadow', reason: 'back to shadow' })).statusCode,
    ).toBe(200);
  });

  it('refuses a canary of the family while finance has not signed off, naming the engine gate for each route', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await a.inject({ url: `/api/v1/uploads?limit=${i + 1}` })).statusCode).toBe(200);
      expect((await a.inject({ url: `/api/v1/batches?limit=${i + 1}` })).statusCode).toBe(200);
    }
    await a.shadow.drain();
    const gate = (await a.inject({ url: `/_fig/routes/${enc(UPLOADS)}/gate`, headers: auth })).json();
    expect(
      gate.checks.map((c: { name: string; gate: string; passed: boolean }) => [c.name, c.gate, c.passed]),
    ).toEqual([
      ['servable', 'module', true],
      ['samples', 'shadow', true],
      ['matchRate', 'shadow', true],
      ['moneyDiff', 'shadow', true],
      ['latency', 'shadow', true],
      ['engineParity', 'engine', false],
    ]);
    expect(gate.evidence.engine).toMatchObject({ status: 'no-report', tenantId: a.config.LEGACY_TENANT });

    const single = await a.inject({
      method: 'PUT',
      url: `/_fig/routes/${enc(UPLOADS)}`,
      headers: auth,
      payload: { mode: 'canary', canaryPercent: 10, reason: 'canary' },
    });
    expect(single.statusCode).toBe(409);
    expect(single.json()).toMatchObject({
      code: 'FIG_GATE_FAILED',
      blockedBy: ['engine'],
      detail: expect.stringMatching(
        /^The engine gate of GET \/api\/v1\/uploads fails \(engineParity: no-report, needs signed-off\)\. Finance must sign off/,
      ),
    });

    await insertReport(false);
    const res = await groupFlip(a, {
      keys: [UPLOADS, BATCHES],
      mode: 'canary',
      canaryPercent: 10,
      reason: 'bonus family: canary 10%',
    });
    expect(res.statusCode).toBe(409);
    const problem = res.json();
    expect(problem).toMatchObject({
      type: 'https://fig.dev/problems/fig-group-gate-failed',
      title: 'Conflict',
      status: 409,
      code: 'FIG_GROUP_GATE_FAILED',
      mode: 'canary',
    });
    expect(
      problem.blocked.map((x: { routeKey: string; blockedBy: string[] }) => [x.routeKey, x.blockedBy]),
    ).toEqual([
      [BATCHES, ['engine']],
      [UPLOADS, ['engine']],
    ]);
    expect(problem.blocked[0].checks.find((c: { name: string }) => c.name === 'engineParity')).toMatchObject({
      passed: false,
      actual: 'not-signed-off',
    });
    expect(problem.detail).toContain(
      '2 of 2 routes of keys GET /api/v1/uploads, GET /api/v1/batches fail their gates, so none was flipped',
    );
    expect([a.routeTable.modeFor(UPLOADS), a.routeTable.modeFor(BATCHES)]).toEqual(['shadow', 'shadow']);
    const listed = (await a.inject({ url: '/_fig/routes?prefix=/api/v1/uploads', headers: auth })).json();
    expect(listed.data.find((r: { key: string }) => r.key === UPLOADS).gate).toEqual({
      passed: false,
      failing: ['engineParity'],
      blockedBy: ['engine'],
    });
  });

  it('is all or nothing: one route failing its shadow gate keeps every route of the group where it was', async () => {
    await insertReport(true);
    const res = await groupFlip(a, {
      keys: [UPLOADS, BATCHES, SCENARIOS],
      mode: 'canary',
      canaryPercent: 10,
      reason: 'with scenarios',
    });
    expect(res.statusCode).toBe(409);
    expect(
      res.json().blocked.map((x: { routeKey: string; blockedBy: string[] }) => [x.routeKey, x.blockedBy]),
    ).toEqual([[SCENARIOS, ['shadow']]]);
    expect([
      a.routeTable.modeFor(UPLOADS),
      a.routeTable.modeFor(BATCHES),
      a.routeTable.modeFor(SCENARIOS),
    ]).toEqual(['shadow', 'shadow', 'shadow']);
    expect(
      (await changesOf(UPLOADS)).filter((c: { after: { mode?: string } }) => c.after?.mode === 'canary'),
    ).toEqual([]);
  });

  it("flips the group once both gates pass, recording each route's evidence, and every gateway follows", async () => {
    const res = await groupFlip(a, {
      keys: [UPLOADS, BATCHES],
      mode: 'canary',
      canaryPercent: 10,
      reason: 'bonus family: canary 10%',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().changed.sort()).toEqual([BATCHES, UPLOADS]);
    const [change] = await changesOf(BATCHES);
    expect(change).toMatchObject({
      reason: 'bonus family: canary 10%',
      override: false,
      after: { mode: 'canary', canaryPercent: 10 },
      evidence: {
        group: { keys: [BATCHES, UPLOADS] },
        gate: {
          overridden: false,
          gate: { passed: true, engine: { status: 'signed-off', tenantId: a.config.LEGACY_TENANT } },
        },
      },
    });
    await b.routeTable.reload('test');
    expect([b.routeTable.modeFor(UPLOADS), b.routeTable.modeFor(BATCHES)]).toEqual(['canary', 'canary']);
    // Back to legacy for the whole family by module: never gated.
    const back = await groupFlip(a, { module: 'bonus-test', mode: 'legacy', reason: 'roll the family back' });
    expect(back.statusCode).toBe(200);
    expect(BONUS_ROUTE_KEYS.map((k) => a.routeTable.modeFor(k)).every((m) => m === 'legacy')).toBe(true);
  });

  it('validates the body with field paths', async () => {
    const res = await groupFlip(a, { mode: 'canary', reason: 'r' });
    expect(res.statusCode).toBe(400);
    const paths = res
      .json()
      .errors.map((e: { path: string }) => e.path)
      .sort();
    expect(paths).toEqual(expect.arrayContaining(['body.reason']));
  });
});
