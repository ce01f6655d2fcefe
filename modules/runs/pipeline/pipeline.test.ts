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
import { setRunState } from './states';
import { startRun } from './service/start-run';

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
  const res = await app.inject({
    method: method as 'GET',
    url: `/api/v1/tenants/${admin.tenantId}${url}`,
    headers: admin.headers,
    ...(body === undefined ? {} : { payload: body as object }),
  });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

const runRow = async (id: number) =>
  (await sql<{ status: string }>`select * from runs.runs where id = ${id}`.execute(owner)).rows[0]!;
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
    expect(started).toEqual({
      status: 202,
      body: {
        id: expect.any(Number),
        status: 'queued',
        href: `/api/v1/tenants/${admin.tenantId}/runs/${started.body.id}`,
      },
    });
    const id = started.body.id as number;
    // A run stored while Redis was down (its job never added): the worker's start-up sweep enqueues it.
    const stuck = await startRun(
      { db: app.db, redis: app.redis, config: { ...config, REDIS_URL: 'redis://127.0.0.1:1' }, log: app.log },
      { tenantId: admin.tenantId, actor: 'test' },
      { plan_id: planId, upload_id: await makeUpload(app, admin.tenantId, 5), name: 'redis was down' },
    );

    worker = await startWorker(workerEnv());
    const doneChunks = async () =>
      Number(
        (
          await sql<{
            n: string;
          }>`select count(*) as n from runs.run_chunks where run_id = ${id} and done`.execute(owner)
        ).rows[0]!.n,
      );
    expect(await until(120_000, async () => (await doneChunks()) >= 3, 20)).toBe(true);
    await stop(worker, 'SIGKILL');
    const atKill = await doneChunks();
    expect(atKill).toBeLessThan(n / 1000); // killed mid-run: some chunks still to do
    expect((await runRow(id)).status).toBe('running');

    worker = await startWorker(workerEnv());
    expect(await until(180_000, async () => (await runRow(id)).status !== 'running')).toBe(true);
    expect(await until(30_000, async () => (await runRow(stuck.id)).status === 'completed')).toBe(true);

    const view = await api('GET', `/runs/${id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      id,
      status: 'completed',
      progress: { rowsDone: n, rowsTotal: n, chunksDone: n / 1000, chunksTotal: n / 1000, percent: 100 },
      totals: { employees: n, succeeded: n, failed: 0 },
    });
    const counts = (
      await sql<{ n: string; rows: string; employees: string }>`
      select count(*) as n, count(distinct row_no) as rows, count(distinct employee_id) as employees from runs.run_results where run_id = ${id}`.execute(
        owner,
      )
    ).rows[0]!;
    expect(counts).toEqual({ n: String(n), rows: String(n), employees: String(n) });
    // A chunk is written once: the one in flight at the kill never committed, the done ones were not redone.
    const attempts = (
      await sql<{
        attempts: number;
      }>`select distinct attempts from runs.run_chunks where run_id = ${id}`.execute(owner)
    ).rows;
    expect(attempts).toEqual([{ attempts: 1 }]);

    // Totals against the legacy batch computation of the same rows (a separate code path).
    const rows = Array.from({ length: n }, (_, k) => ({
      ...employeeInputs(k + 1),
      employee_id: `E${String(k + 1).padStart(7, '0')}`,
    }));
    const bands = [
      { min_revenue: '0', multiplier: '0.8' },
      { min_revenue: '1000000', multiplier: '1.0' },
      { min_revenue: '5000000', multiplier: '1.2' },
    ];
    const plan = (
      await sql<{ id: string }>`select id from comp.bonus_plans where id = ${planId}`.execute(owner)
    ).rows[0]!;
    expect(plan.id).toBe(planId);
    const stored = (
      await sql<{
        bonus: string;
      }>`select outputs->>'bonus' as bonus from runs.run_results where run_id = ${id} order by row_no`.execute(
        owner,
      )
    ).rows;
    expect(view.body.totals.totalPayout).toBe(sumDecimals(stored.map((r) => r.bonus)));
    const { definition } = await import('./test-plan').then((m) =>
      m.loadDefinition(app, admin.tenantId, planId),
    );
    const reference = computeRun({ plan: definition, bands, rows, poolAmount: null });
    expect(view.body.totals.totalPayout).toBe(reference.totalBonus);
    expect(stored.map((r) => r.bonus)).toEqual(reference.rows.map((r) => r.outputs.bonus));
  }, 400_000);

  const settle = async (id: number) => {
    expect(await until(180_000, async () => !['queued', 'running'].includes((await runRow(id)).status))).toBe(
      true,
    );
    return (await api('GET', `/runs/${id}`)).body;
  };
  const fingerprint = async (id: number) =>
    (
      await sql<{
        h: string;
      }>`select md5(string_agg(row_no || ':' || employee_id || ':' || ok || ':' || outputs::text || ':' || coalesce(tape::text, '') || ':' || coalesce(pool_share, ''), ',' order by row_no)) as h from runs.run_results where run_id = ${id}`.execute(
        owner,
      )
    ).rows[0]!.h;

  it('lists failed rows with step and message, re-runs them alone, and a re-run of the snapshot is byte-identical', async () => {
    worker ??= await startWorker(workerEnv());
    const uploadId = await makeUpload(app, admin.tenantId, 2_500, (i) => i === 5 || i === 1_700);
    const first = (
      await api('POST', '/runs', { plan_id: planId, upload_id: uploadId, name: 'with failures' })
    ).body.id as number;
    const failedView = await settle(first);
    expect(failedView).toMatchObject({
      status: 'failed',
      totals: { employees: 2_500, succeeded: 2_498, failed: 2 },
    });
    expect((await api('GET', `/runs/${first}/failures`)).body).toEqual({
      data: [
        { rowNo: 6, employeeId: 'E0000005', step: null, message: "missing input 'revenue'" },
        { rowNo: 1_701, employeeId: 'E0001700', step: null, message: "missing input 'revenue'" },
      ],
      total: 2,
      hasMore: false,
      nextCursor: null,
    });
    const okBefore = (
      await sql<{
        n: string;
      }>`select count(*) as n from runs.run_results where run_id = ${first} and ok`.execute(owner)
    ).rows[0]!.n;
    expect(okBefore).toBe('2498');

    // The data is corrected, then only the failed rows are evaluated again.
    await sql`update runs.upload_rows set inputs = inputs || '{"revenue": "2500000"}'::jsonb where upload_id = ${uploadId} and row_no in (6, 1701)`.execute(
      owner,
    );
    const retried = await api('POST', `/runs/${first}/failures/retry`, {});
    expect(retried).toEqual({
      status: 202,
      body: { id: first, status: 'queued', href: `/api/v1/tenants/${admin.tenantId}/runs/${first}` },
    });
    const fixed = await settle(first);
    expect(fixed).toMatchObject({
      status: 'completed',
      totals: { employees: 2_500, succeeded: 2_500, failed: 0 },
    });
    expect((await api('GET', `/runs/${first}/failures`)).body.total).toBe(0);
    expect(
      (
        await sql<{ n: string }>`select count(*) as n from runs.run_results where run_id = ${first}`.execute(
          owner,
        )
      ).rows[0]!.n,
    ).toBe('2500');
    const again = await api('POST', `/runs/${first}/failures/retry`, {});
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'RUN_STATE_CONFLICT', status: 409 });

    // The same snapshot run again: same hash, byte-identical results and tapes.
    const second = (
      await api('POST', '/runs', { plan_id: planId, upload_id: uploadId, name: 'same snapshot' })
    ).body.id as number;
    const secondView = await settle(second);
    expect(secondView.status).toBe('completed');
    expect(fixed.snapshotHash).toMatch(/^[0-9a-f]{64}$/);
    expect(secondView.snapshotHash).toBe(fixed.snapshotHash);
    expect(secondView.totals.totalPayout).toBe(fixed.totals.totalPayout);
    expect(await fingerprint(second)).toBe(await fingerprint(first));

    // A pool below the payouts: shares to the cent, summing to the pool exactly; another snapshot.
    const pooled = (
      await api('POST', '/runs', {
        plan_id: planId,
        upload_id: uploadId,
        name: 'pooled',
        pool: '1000000.005',
      })
    ).body.id as number;
    const pooledView = await settle(pooled);
    expect(pooledView).toMatchObject({
      status: 'completed',
      pool: '1000000.005',
      totals: { poolApplied: true, totalPool: '1000000' },
    });
    expect(pooledView.snapshotHash).not.toBe(fixed.snapshotHash);
    const shares = (
      await sql<{
        share: string;
      }>`select pool_share as share from runs.run_results where run_id = ${pooled} order by row_no`.execute(
        owner,
      )
    ).rows.map((r) => r.share);
    expect(shares.every((x) => /^\d+(\.\d{1,2})?$/.test(x))).toBe(true);
    expect(sumDecimals(shares)).toBe('1000000');
    const top = await api('GET', `/runs/${pooled}/results?limit=2&sort=-payout&department=D3`);
    expect(top.status).toBe(200);
    expect(top.body).toMatchObject({
      total: expect.any(Number),
      hasMore: true,
      data: [
        { department: 'D3', ok: true },
        { department: 'D3', ok: true },
      ],
    });
    expect(Number(top.body.data[0].payout)).toBeGreaterThanOrEqual(Number(top.body.data[1].payout));
    expect(top.body.data[0].poolShare).toMatch(/^\d+(\.\d{1,2})?$/);
    const one = await api('GET', `/runs/${pooled}/results?employee_id=E0000005`);
    expect(one.body).toMatchObject({
      total: 1,
      data: [{ rowNo: 6, employeeId: 'E0000005', name: 'Employee 5' }],
    });
    const bad = await api('GET', `/runs/${pooled}/results?sort=salary`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('querystring.sort');
  }, 400_000);

  it('finalizes through setRunState; a finalized run is refused by the API (409) and by the database', async () => {
    const { id } = (
      await sql<{
        id: number;
      }>`select id from runs.runs where tenant_id = ${admin.tenantId} and status = 'completed' order by id limit 1`.execute(
        owner,
      )
    ).rows[0]!;
    const ctx = { db: app.db, tenantId: admin.tenantId };
    await expect(setRunState(ctx, id, 'finalized', 'finance@test')).rejects.toMatchObject({
      code: 'RUN_STATE_CONFLICT',
      statusCode: 409,
    });
    expect((await setRunState(ctx, id, 'in_review', 'manager@test', 'please review')).status).toBe(
      'in_review',
    );
    expect((await setRunState(ctx, id, 'finalized', 'finance@test', 'approved')).status).toBe('finalized');
    await expect(setRunState(ctx, id, 'completed', 'hr@test')).rejects.toMatchObject({
      code: 'RUN_FINALIZED',
      statusCode: 409,
    });
    const retry = await api('POST', `/runs/${id}/failures/retry`, {});
    expect(retry.body).toMatchObject({
      status: 409,
      code: 'RUN_FINALIZED',
      detail: `run ${id} is finalized and cannot be changed`,
    });
    // Even the table owner cannot change it.
    await expect(sql`update runs.runs set name = 'x' where id = ${id}`.execute(owner)).rejects.toMatchObject({
      code: 'FIG03',
    });
    await expect(
      sql`update runs.run_results set ok = false where run_id = ${id} and row_no = 2`.execute(owner),
    ).rejects.toMatchObject({ code: 'FIG03' });
    await expect(sql`delete from runs.run_results where run_id = ${id}`.execute(owner)).rejects.toMatchObject(
      { code: 'FIG03' },
    );
    await expect(
      sql`insert into runs.run_chunks (run_id, tenant_id, chunk_no, row_from, row_to, row_count) values (${id}, ${admin.tenantId}, 999, 1, 1, 1)`.execute(
        owner,
      ),
    ).rejects.toMatchObject({ code: 'FIG03' });
    const audit = (
      await sql<{
        action: string;
      }>`select action from audit.events where tenant_id = ${admin.tenantId} and entity = 'run' and entity_id = ${String(id)} order by seq`.execute(
        owner,
      )
    ).rows.map((r) => r.action);
    expect(audit).toEqual(['run.queued', 'run.running', 'run.completed', 'run.in_review', 'run.finalized']);
    // The progress stream of a settled run: one event, then the stream ends.
    const events = await app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${admin.tenantId}/runs/${id}/events`,
      headers: admin.headers,
    });
    expect(events.statusCode).toBe(200);
    expect(events.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(events.body).toMatch(
      new RegExp(`^event: progress\\ndata: \\{"runId":${id},"status":"finalized",.*\\}\\n\\n$`),
    );
  }, 60_000);
});
