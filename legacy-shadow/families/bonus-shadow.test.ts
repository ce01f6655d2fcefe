import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { TEST_ADMIN_TOKEN, buildTestApp } from '../../test/helpers';
import { startLegacy } from '../../test/global-setup';
import { backfillBonus } from '../../modules/runs/index';
import { BONUS_ROUTE_KEYS } from './bonus';

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const LEGACY_DIR = path.resolve(import.meta.dirname, '../../infra/legacy-fastapi');
/** Employees from legacy's own generator (every edge case it knows, at a fixed seed). */
const generated = (employees: number, seed: number) =>
  execFileSync(
    '/usr/bin/python3',
    ['-m', 'legacy_fastapi.gen', '--employees', String(employees), '--seed', String(seed)],
    { cwd: LEGACY_DIR, encoding: 'utf8' },
  );

const multipart = (csv: string, filename = 'staff.csv') => {
  const b = 'figshadowboundary';
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${b}` },
    payload: `--${b}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: text/csv\r\n\r\n${csv}\r\n--${b}--\r\n`,
  };
};

/**
 * The bonus family in shadow with its family settings (dual-write, normalisation rules) over
 * generated traffic for every operation — good and bad uploads, edge-case employees from legacy's
 * generator, pools, own bands, unknown ids — shows no unexplained mismatch and no dual-write drift.
 */
describe('shadow of the bonus family over generated traffic', { timeout: 240_000 }, () => {
  let legacy: Awaited<ReturnType<typeof startLegacy>>;
  let app: FastifyInstance;

  beforeAll(async () => {
    legacy = await startLegacy();
    ({ app } = await buildTestApp({
      LEGACY_URL: legacy.url,
      SHADOW_NOISE_SAMPLE_RATE: '0',
      AUTOROLLBACK_ENABLED: 'false',
    }));
    expect(
      (await backfillBonus({ db: app.db, legacyUrl: legacy.url }, app.config.LEGACY_TENANT)).unmapped,
    ).toEqual([]);
    const res = await app.inject({
      method: 'POST',
      url: '/_fig/route-groups/flip',
      headers: auth,
      payload: { module: 'runs', mode: 'shadow', reason: 'bonus family: shadow' },
    });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await legacy?.stop();
  });

  it('shows 0 unexplained mismatches and 0 reconciliation issues', async () => {
    // Each write is drained before the next request may refer to what it created (dual-write writes fig's copy with legacy's id).
    const send = async (opts: InjectOptions) => {
      const res = await app.inject(opts);
      await app.shadow.drain();
      return res;
    };
    const csv = generated(120, 7);
    const up = await send({ method: 'POST', url: '/api/v1/uploads', ...multipart(csv) });
    expect(up.statusCode).toBe(201);
    const id = up.json().id as number;
    const header = csv.split('\n')[0]!;
    await send({ method: 'POST', url: '/api/v1/uploads', ...multipart(`${header}\nE1,A,B,abc,1,1,1,1\n`) }); // non-numeric cell
    await send({ method: 'POST', url: '/api/v1/uploads', ...multipart('employee_id,name\nE1,A\n') }); // missing columns
    await send({ method: 'POST', url: '/api/v1/uploads', ...multipart('') }); // empty
    await send({ method: 'POST', url: '/api/v1/uploads', ...multipart(`${header}\n`) }); // header only

    const employees = csv
      .trim()
      .split('\n')
      .slice(1, 60)
      .map((line) => {
        const cells = line.split(',');
        return Object.fromEntries(header.split(',').map((h, i) => [h, cells[i] ?? '']));
      });
    for (const body of [
      { employees },
      { employees, pool_amount: '25000' },
      {
        employees: employees.slice(0, 10),
        bands: [
          { min_revenue: '0', multiplier: '0.5' },
          { min_revenue: '3000000', multiplier: '1.5' },
        ],
      },
      { employees: [{ ...employees[0], base_salary: '-1' }] },
      { employees: [], pool_amount: '-1' },
      { employees: employees.slice(0, 2), bands: [{ min_revenue: '5', multiplier: '1' }] },
      {},
    ])
      await send({ method: 'POST', url: '/api/v1/calculate', payload: body });

    const batch = await send({
      method: 'POST',
      url: '/api/v1/batches',
      payload: { upload_id: id, pool_amount: '40000', scenario_name: 'q1' },
    });
    expect(batch.statusCode).toBe(201);
    await send({ method: 'POST', url: '/api/v1/batches', payload: { upload_id: id } });
    await send({ method: 'POST', url: '/api/v1/batches', payload: { upload_id: 99999 } });
    await send({ method: 'POST', url: '/api/v1/batches', payload: { upload_id: id, pool_amount: '-5' } });
    const s1 = await send({
      method: 'POST',
      url: '/api/v1/scenarios',
      payload: { upload_id: id, name: 'base' },
    });
    const s2 = await send({
      method: 'POST',
      url: '/api/v1/scenarios',
      payload: {
        upload_id: id,
        name: 'rich',
        pool_amount: '100000',
        bands: [{ min_revenue: '0', multiplier: '1.3' }],
      },
    });
    expect([s1.statusCode, s2.statusCode]).toEqual([201, 201]);
    await send({ method: 'POST', url: '/api/v1/scenarios', payload: { upload_id: id, name: '' } });
    await send({
      method: 'PUT',
      url: '/api/v1/admin/revenue-bands',
      payload: {
        bands: [
          { min_revenue: '0', multiplier: '0.7' },
          { min_revenue: '2000000', multiplier: '1.25' },
        ],
      },
    });
    await send({
      method: 'PUT',
      url: '/api/v1/admin/revenue-bands',
      payload: { bands: [{ min_revenue: '10', multiplier: '1' }] },
    });
    await send({ method: 'POST', url: '/api/v1/batches', payload: { upload_id: id } }); // under the new band version

    const b = batch.json().id as number;
    for (const url of [
      '/api/v1/uploads',
      '/api/v1/uploads?limit=2&offset=1',
      `/api/v1/uploads/${id}`,
      `/api/v1/uploads/${id}/rows?limit=25&offset=10`,
      '/api/v1/uploads/99999',
      '/api/v1/batches',
      `/api/v1/batches/${b}`,
      `/api/v1/batches/${b}/results?limit=200`,
      `/api/v1/batches/${b}/export.csv`,
      '/api/v1/batches/99999/results',
      '/api/v1/scenarios',
      `/api/v1/scenarios/${s1.json().id}`,
      `/api/v1/scenarios/${s1.json().id}/compare/${s2.json().id}`,
      '/api/v1/scenarios/99999',
      '/api/v1/uploads?limit=0',
    ])
      await send({ url });

    const samples = await app.db
      .selectFrom('shadow.samples')
      .select(['route_key', 'outcome', 'diff_paths', 'legacy_status', 'new_status'])
      .where('route_key', 'in', [...BONUS_ROUTE_KEYS])
      .execute();
    const bad = samples.filter((s) => s.outcome === 'mismatch' || s.outcome === 'error');
    expect(bad).toEqual([]);
    expect(samples.filter((s) => s.outcome === 'match').length).toBeGreaterThanOrEqual(35);
    const keysSeen = new Set(samples.map((s) => s.route_key));
    expect([...BONUS_ROUTE_KEYS].filter((k) => !keysSeen.has(k))).toEqual([]);
    const issues = await app.db
      .selectFrom('shadow.reconciliation_issues')
      .select(['route_key', 'kind', 'detail'])
      .execute();
    expect(issues).toEqual([]);
  });
});
