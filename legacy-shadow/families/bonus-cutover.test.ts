import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { TEST_ADMIN_TOKEN, buildTestApp, ownerDb } from '../../test/helpers';
import { startLegacy } from '../../test/global-setup';
import type { Db } from '../../modules/core/db';
import { backfillBonus, reverseSyncBonus } from '../../modules/runs/index';
import { BONUS_ROUTE_KEYS } from './bonus';

const run = promisify(execFile);
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const LEGACY_DIR = path.resolve(import.meta.dirname, '../../infra/legacy-fastapi');
const SUITE = 'tests/test_bonus_api.py';
const BANDS_GET = 'GET /api/v1/admin/revenue-bands';
const TABLES = [
  'runs.uploads',
  'runs.upload_rows',
  'runs.runs',
  'runs.run_results',
  'runs.scenarios',
  'comp.revenue_band_tables',
  'comp.revenue_bands',
];

/** Legacy's API tests start from legacy's seeded state: fig's copy of it is kept aside after the backfill and put back before each test. */
async function snapshot(owner: Db, name: string): Promise<void> {
  for (const t of TABLES)
    await sql
      .raw(
        `drop table if exists ${name}_${t.replace('.', '_')}; create table ${name}_${t.replace('.', '_')} as table ${t}`,
      )
      .execute(owner);
}
async function restore(owner: Db, name: string): Promise<void> {
  await sql
    .raw(
      'truncate runs.scenarios, runs.run_chunks, runs.run_results, runs.runs, storage.upload_problems, runs.upload_rows, runs.uploads, comp.revenue_bands, comp.revenue_band_tables',
    )
    .execute(owner);
  for (const t of TABLES)
    await sql.raw(`insert into ${t} select * from ${name}_${t.replace('.', '_')}`).execute(owner);
  for (const t of ['runs.uploads', 'runs.runs', 'runs.scenarios'])
    await sql
      .raw(
        `select setval(pg_get_serial_sequence('${t}', 'id'), (select coalesce(max(id), 0) + 1 from ${t}), false)`,
      )
      .execute(owner);
}

/**
 * The whole cutover of the bonus family: legacy → shadow (dual-write, clean) → canary 10 % → new;
 * legacy stopped, legacy's own API tests for these routes pass against fig unchanged; legacy back,
 * reverse sync, flip back: nothing fig wrote is lost.
 */
describe('cutover of the bonus family, end to end', { timeout: 600_000 }, () => {
  let legacy: Awaited<ReturnType<typeof startLegacy>>;
  let app: FastifyInstance;
  let owner: Db;
  let figUrl: string;

  beforeAll(async () => {
    legacy = await startLegacy({ restartable: true });
    ({ app } = await buildTestApp({
      LEGACY_URL: legacy.url,
      SHADOW_NOISE_SAMPLE_RATE: '0',
      AUTOROLLBACK_ENABLED: 'false',
    }));
    owner = ownerDb(app.config);
    figUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await owner?.destroy();
    await app?.close();
    await legacy?.stop();
    legacy?.remove();
  });

  const group = (body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/_fig/route-groups/flip',
      headers: auth,
      payload: { module: 'runs', ...body },
    });
  const send = async (opts: InjectOptions) => {
    const res = await app.inject(opts);
    await app.shadow.drain();
    return res;
  };

  it("moves the family through shadow and canary to new, passes legacy's API tests with legacy stopped, and rolls back without losing a record", async () => {
    expect(
      (await backfillBonus({ db: app.db, legacyUrl: legacy.url }, app.config.LEGACY_TENANT)).unmapped,
    ).toEqual([]);
    await snapshot(owner, 'seeded');

    // Shadow, dual-write; one request on every route.
    expect((await group({ mode: 'shadow', reason: 'bonus family: shadow' })).statusCode).toBe(200);
    const up = await send({
      method: 'POST',
      url: '/api/v1/uploads',
      headers: { 'content-type': 'multipart/form-data; boundary=e2eboundary' },
      payload:
        '--e2eboundary\r\ncontent-disposition: form-data; name="file"; filename="s.csv"\r\ncontent-type: text/csv\r\n\r\nemployee_id,name,department,base_salary,target_pct,performance_score,fund_return,revenue\nS1,A,B,50000,10,1,0.1,3000000\n\r\n--e2eboundary--\r\n',
    });
    const b = await send({ method: 'POST', url: '/api/v1/batches', payload: { upload_id: up.json().id } });
    const s1 = await send({ method: 'POST', url: '/api/v1/scenarios', payload: { upload_id: 1, name: 'a' } });
    const s2 = await send({
      method: 'POST',
      url: '/api/v1/scenarios',
      payload: { upload_id: 1, name: 'b', pool_amount: '1000' },
    });
    await send({
      method: 'PUT',
      url: '/api/v1/admin/revenue-bands',
      payload: {
        bands: [
          { min_revenue: '0', multiplier: '0.8' },
          { min_revenue: '1000000', multiplier: '1' },
          { min_revenue: '5000000', multiplier: '1.2' },
        ],
      },
    });
    await send({
      method: 'POST',
      url: '/api/v1/calculate',
      payload: {
        employees: [
          {
            employee_id: 'X',
            base_salary: '1',
            target_pct: '1',
            performance_score: '1',
            fund_return: '0',
            revenue: '0',
          },
        ],
      },
    });
    for (const url of [
      '/api/v1/uploads',
      `/api/v1/uploads/${up.json().id}`,
      '/api/v1/uploads/1/rows?limit=5',
      '/api/v1/batches',
      `/api/v1/batches/${b.json().id}`,
      '/api/v1/batches/1/results?limit=5',
      '/api/v1/batches/1/export.csv',
      '/api/v1/scenarios',
      `/api/v1/scenarios/${s1.json().id}`,
      `/api/v1/scenarios/${s1.json().id}/compare/${s2.json().id}`,
    ])
      await send({ url });
    const samples = await app.db
      .selectFrom('shadow.samples')
      .select(['route_key', 'outcome'])
      .where('route_key', 'in', [...BONUS_ROUTE_KEYS])
      .execute();
    expect(await app.db.selectFrom('shadow.mismatches').select(['route_key', 'diff']).execute()).toEqual([]);
    expect(samples.filter((s) => s.outcome !== 'match')).toEqual([]);
    expect(new Set(samples.map((s) => s.route_key)).size).toBe(BONUS_ROUTE_KEYS.length);
    expect(await app.db.selectFrom('shadow.reconciliation_issues').selectAll().execute()).toEqual([]);

    // Canary 10 %: both gates, no override (a small shadow gate for a test-sized sample, finance's sign-off on Gate A).
    for (const key of BONUS_ROUTE_KEYS)
      await app.inject({
        method: 'PUT',
        url: `/_fig/routes/${encodeURIComponent(key)}/settings`,
        headers: auth,
        payload: { gate: { minSamples: 1, maxLatencyRatio: 1000 }, reason: 'test-sized gate' },
      });
    const refused = await group({ mode: 'canary', canaryPercent: 10, reason: 'canary before sign-off' });
    expect(refused.json()).toMatchObject({ code: 'FIG_GROUP_GATE_FAILED' });
    expect(
      refused.json().blocked.every((x: { blockedBy: string[] }) => x.blockedBy.join() === 'engine'),
    ).toBe(true);
    await owner
      .insertInto('parity.reports')
      .values({
        tenant_id: app.config.LEGACY_TENANT,
        name: 'historical',
        source: '{}',
        plan_ref: '{}',
        status: 'done',
        employees: 1210,
        matched: 1210,
        gate_a: JSON.stringify({ passed: true, checks: [] }),
        created_by: 'finance',
        finished_at: new Date(),
        signed_off_by: 'finance@acme.test',
        signed_off_at: new Date(),
      } as never)
      .execute();
    expect(
      (await group({ mode: 'canary', canaryPercent: 10, reason: 'bonus family: canary 10%' })).statusCode,
    ).toBe(200);
    expect((await group({ mode: 'new', reason: 'bonus family: new' })).statusCode).toBe(200);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: `/_fig/routes/${encodeURIComponent(BANDS_GET)}`,
          headers: auth,
          payload: { mode: 'new', reason: 'bands read with the family', override: true },
        })
      ).statusCode,
    ).toBe(200);

    // Legacy stopped: its own API tests, unchanged, against fig (each from legacy's seeded state).
    await snapshot(owner, 'at_stop'); // what fig and legacy both hold when legacy stops
    await legacy.stop();
    const { stdout } = await run('/usr/bin/python3', ['-m', 'pytest', '--collect-only', '-q', SUITE], {
      cwd: LEGACY_DIR,
    });
    const tests = stdout.split('\n').filter((l) => l.startsWith(`${SUITE}::`));
    expect(tests.length).toBe(21);
    const failed: string[] = [];
    for (const t of tests) {
      await restore(owner, 'seeded');
      try {
        await run('/usr/bin/python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', t], {
          cwd: LEGACY_DIR,
          env: { ...process.env, LEGACY_TEST_BASE_URL: figUrl },
        });
      } catch (err) {
        failed.push(`${t}\n${String((err as { stdout?: string }).stdout ?? err).slice(-1500)}`);
      }
    }
    expect(failed).toEqual([]);

    // Back to the state legacy stopped at; a write in new with legacy still down; legacy back; reverse sync; flip back: legacy answers it.
    await restore(owner, 'at_stop');
    const late = await app.inject({
      method: 'POST',
      url: '/api/v1/batches',
      payload: { upload_id: 2, scenario_name: 'while legacy was down' },
    });
    expect(late.statusCode).toBe(201);
    legacy = await legacy.restart();
    const sync = await reverseSyncBonus({ db: app.db, legacyUrl: legacy.url }, app.config.LEGACY_TENANT);
    expect(sync.synced.filter((x) => x.outcome !== 'same-id')).toEqual([]);
    expect(sync.synced.map((x) => [x.entity, x.figId])).toContainEqual(['batch', late.json().id]);
    expect((await group({ mode: 'legacy', reason: 'roll back' })).statusCode).toBe(200);
    const back = await app.inject({ url: `/api/v1/batches/${late.json().id}` });
    expect(back.headers.server).toBe('uvicorn');
    expect(back.json()).toEqual({ ...late.json(), created_at: back.json().created_at });
  });
});
