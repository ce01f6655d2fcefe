import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../../test/auth';
import { buildTestApp, ownerDb } from '../../../test/helpers';
import type { Config } from '../../core/config';
import type { Db } from '../../core/db';
import { sumDecimals } from '../../core/decimal';
import { computeRun } from '../compute';
import { employeeInputs, legacyPlanId, makeUpload, startWorker, until } from './test-support';

type Who = Awaited<ReturnType<typeof loginAs>>;

let app: FastifyInstance;
let config: Config;
let owner: Db;
let admin: Who;
let planId: string;
let worker: ChildProcess | undefined;

const workerEnv = () => ({
  DATABASE_URL: config.DATABASE_URL,
  REDIS_URL: config.REDIS_URL,
  REDIS_PREFIX: config.REDIS_PREFIX,
  RUNS_CHUNK_ROWS: '1000',
  RUNS_PIPELINE_THREADS: '1',
});

async function api(method: string, url: string, body?: unknown) {
  const res = await app.inject({ method: method as 'GET', url: `/api/v1/tenants/${admin.tenantId}${url}`, headers: admin.headers, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

const runRow = async (id: number) => (await sql<{ status: string }>`select * from runs.runs where id = ${id}`.execute(owner)).rows[0]!;
const stop = async (child: ChildProcess | undefined, signal: NodeJS.Signals) => {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
};

beforeAll(async () => {
  ({ app, config } = await buildTestApp({ RUNS_CHUNK_ROWS: '1000' }));
  owner = ownerDb(config);
  admin = await loginAs(app, { roles: ['admin'] });
  planId = await legacyPlanId(app, admin.tenantId);
}, 120_000);

afterAll(async () => {
  await stop(worker, 'SIGTERM');
  await owner?.destroy();
  await app?.close();
});

describe('runs pipeline (npm run worker)', () => {
  it('survives a SIGKILL mid-run: exactly one result per employee and the right totals', async () => {
    const n = Number(process.env.PIPELINE_TEST_ROWS ?? 40_000);
    const uploadId = await makeUpload(app, admin.tenantId, n);
    const started = await api('POST', '/runs', { plan_id: planId, upload_id: uploadId, name: 'kill me' });
    expect(started).toEqual({ status: 202, body: { id: expect.any(Number), status: 'queued', href: `/api/v1/tenants/${admin.tenantId}/runs/${started.body.id}` } });
    const id = started.body.id as number;

    worker = await startWorker(workerEnv());
    const doneChunks = async () => Number((await sql<{ n: string }>`select count(*) as n from runs.run_chunks where run_id = ${id} and done`.execute(owner)).rows[0]!.n);
    expect(await until(120_000, async () => (await doneChunks()) >= 3, 20)).toBe(true);
    await stop(worker, 'SIGKILL');
    const atKill = await doneChunks();
    expect(atKill).toBeLessThan(40); // killed mid-run: some chunks still to do
    expect((await runRow(id)).status).toBe('running');

    worker = await startWorker(workerEnv());
    expect(await until(180_000, async () => (await runRow(id)).status !== 'running')).toBe(true);

    const view = await api('GET', `/runs/${id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ id, status: 'completed', progress: { rowsDone: n, rowsTotal: n, chunksDone: 40, chunksTotal: 40, percent: 100 }, totals: { employees: n, succeeded: n, failed: 0 } });
    const counts = (await sql<{ n: string; rows: string; employees: string }>`
      select count(*) as n, count(distinct row_no) as rows, count(distinct employee_id) as employees from runs.run_results where run_id = ${id}`.execute(owner)).rows[0]!;
    expect(counts).toEqual({ n: String(n), rows: String(n), employees: String(n) });
    // A chunk is written once: the one in flight at the kill never committed, the done ones were not redone.
    const attempts = (await sql<{ attempts: number }>`select distinct attempts from runs.run_chunks where run_id = ${id}`.execute(owner)).rows;
    expect(attempts).toEqual([{ attempts: 1 }]);

    // Totals against the legacy batch computation of the same rows (a separate code path).
    const rows = Array.from({ length: n }, (_, k) => ({ ...employeeInputs(k + 1), employee_id: `E${String(k + 1).padStart(7, '0')}` }));
    const bands = [
      { min_revenue: '0', multiplier: '0.8' },
      { min_revenue: '1000000', multiplier: '1.0' },
      { min_revenue: '5000000', multiplier: '1.2' },
    ];
    const plan = (await sql<{ id: string }>`select id from comp.bonus_plans where id = ${planId}`.execute(owner)).rows[0]!;
    expect(plan.id).toBe(planId);
    const stored = (await sql<{ bonus: string }>`select outputs->>'bonus' as bonus from runs.run_results where run_id = ${id} order by row_no`.execute(owner)).rows;
    expect(view.body.totals.totalPayout).toBe(sumDecimals(stored.map((r) => r.bonus)));
    const { definition } = await import('./test-plan').then((m) => m.loadDefinition(app, admin.tenantId, planId));
    const reference = computeRun({ plan: definition, bands, rows, poolAmount: null });
    expect(view.body.totals.totalPayout).toBe(reference.totalBonus);
    expect(stored.map((r) => r.bonus)).toEqual(reference.rows.map((r) => r.outputs.bonus));
  }, 400_000);
});
