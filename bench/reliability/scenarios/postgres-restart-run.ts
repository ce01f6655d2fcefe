import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { request } from 'undici';
import { createDb } from '../../../modules/core/db';
import { legacyPlanId, makeUpload, startWorker, until } from '../../../modules/runs/pipeline/test-support';
import { loginAs } from '../../../test/auth';
import { sleep, startGateway, type ScenarioEnv } from '../lib/gateway';
import { round, verdict, type ScenarioResult } from '../lib/result';
import { startThrowawayPg } from '../lib/throwaway-pg';

const stop = async (child: ChildProcess | undefined, signal: NodeJS.Signals) => {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
};

/**
 * Postgres restarted for real mid-run, and a worker SIGKILLed mid-run, on a throwaway cluster of
 * its own (initdb + pg_ctl in a temp directory; the shared 5432 is never touched). A run of `rows`
 * employees is started through the API; once some chunks are done either Postgres is stopped
 * (`fault: 'postgres'`: `outageMs`, API calls every 100 ms during the outage) or the worker is
 * SIGKILLed and a new one started (`fault: 'worker'`). Verdict: the run completes with exactly one
 * result per employee, every chunk written once, and (postgres) every API request during the
 * outage is 503 problem+json FIG_DEPENDENCY_UNAVAILABLE, never a 500.
 */
export async function postgresRestartRun(env: ScenarioEnv, o: { rows: number; fault: 'postgres' | 'worker'; outageMs?: number; capMs?: number }): Promise<ScenarioResult> {
  const name = o.fault === 'postgres' ? 'postgres-restart-mid-run' : 'worker-sigkill-mid-run';
  const pg = await startThrowawayPg();
  const appUrl = new URL(pg.url);
  appUrl.username = 'fig_service';
  const gw = await startGateway({ ...env, databaseUrl: pg.url }, { APP_DATABASE_URL: appUrl.toString(), RUNS_CHUNK_ROWS: '1000' });
  const owner = createDb(pg.url, { max: 2 });
  let worker: ChildProcess | undefined;
  const workerEnv = { DATABASE_URL: pg.url, APP_DATABASE_URL: appUrl.toString(), REDIS_URL: gw.config.REDIS_URL, REDIS_PREFIX: gw.config.REDIS_PREFIX, RUNS_CHUNK_ROWS: '1000', RUNS_PIPELINE_THREADS: '1' };
  try {
    const admin = await loginAs(gw.app, { roles: ['admin'] });
    const planId = await legacyPlanId(gw.app, admin.tenantId);
    const uploadId = await makeUpload(gw.app, admin.tenantId, o.rows);
    const runsUrl = `${gw.url}/api/v1/tenants/${admin.tenantId}/runs`;
    const started = await request(runsUrl, { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/json' }, body: JSON.stringify({ plan_id: planId, upload_id: uploadId, name: name }) });
    const runId = ((await started.body.json()) as { id: number }).id;
    const doneChunks = async () => Number((await sql<{ n: string }>`select count(*) as n from runs.run_chunks where run_id = ${runId} and done`.execute(owner)).rows[0]!.n);
    const status = async () => (await sql<{ status: string }>`select status from runs.runs where id = ${runId}`.execute(owner)).rows[0]!.status;
    worker = await startWorker(workerEnv);
    await until(180_000, async () => (await doneChunks()) >= 2, 20);
    const atFault = await doneChunks();
    const during: { status: number; type: string; code?: string; stack: boolean }[] = [];
    const t0 = performance.now();
    let workerExited = false;
    if (o.fault === 'postgres') {
      await pg.stop();
      const until = Date.now() + (o.outageMs ?? 5_000);
      while (Date.now() < until) {
        const res = await request(`${runsUrl}/${runId}`, { headers: admin.headers });
        const text = await res.body.text();
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { code?: string }).code;
        } catch {
          /* not JSON */
        }
        during.push({ status: res.statusCode, type: String(res.headers['content-type'] ?? ''), code, stack: /\bat .+:\d+:\d+/.test(text) });
        await sleep(100);
      }
      await pg.start();
      workerExited = worker.exitCode !== null || worker.signalCode !== null;
      // A supervisor (systemd, Kubernetes) restarts a worker that exited; the run must still finish exactly once.
      if (workerExited) worker = await startWorker(workerEnv);
    } else {
      await stop(worker, 'SIGKILL');
      worker = await startWorker(workerEnv);
    }
    const completed = await until(o.capMs ?? 300_000, async () => {
      try {
        return !['queued', 'running'].includes(await status());
      } catch {
        return false; // Postgres still starting
      }
    }, 200);
    const recoveredS = (performance.now() - t0) / 1000;
    const counts = (await sql<{ n: string; rows: string; employees: string }>`
      select count(*) as n, count(distinct row_no) as rows, count(distinct employee_id) as employees from runs.run_results where run_id = ${runId}`.execute(owner)).rows[0]!;
    const attempts = (await sql<{ attempts: number }>`select distinct attempts from runs.run_chunks where run_id = ${runId} order by attempts`.execute(owner)).rows.map((r) => r.attempts);
    const final = await status();
    const api503 = during.filter((d) => d.status === 503 && d.type.startsWith('application/problem+json') && d.code === 'FIG_DEPENDENCY_UNAVAILABLE');
    const checks: [string, boolean][] = [
      ['the fault hit mid-run (chunks done before it, chunks still to do)', atFault >= 1 && atFault < o.rows / 1000],
      ['the run completed after the fault', completed && final === 'completed'],
      [`exactly one result per employee (${o.rows})`, Number(counts.n) === o.rows && Number(counts.rows) === o.rows && Number(counts.employees) === o.rows],
    ];
    if (o.fault === 'postgres') {
      checks.push(['API requests sent during the outage', during.length > 0]);
      checks.push(['every API request during the outage is 503 problem+json FIG_DEPENDENCY_UNAVAILABLE (no 500, no stack)', during.length === api503.length && during.every((d) => !d.stack)]);
    } else {
      checks.push(['chunks done before the kill were not redone (attempts all 1)', attempts.length === 1 && attempts[0] === 1]);
    }
    return verdict(name, checks, {
      employees: o.rows,
      'chunks done at the fault': atFault,
      'run status': final,
      'results / distinct rows': `${counts.n} / ${counts.rows}`,
      'chunk attempts': attempts.join(','),
      ...(o.fault === 'postgres' ? { 'worker exited in the outage': workerExited ? 'yes (restarted)' : 'no', 'outage API requests': during.length, 'outage 503 problem': api503.length, 'outage statuses': JSON.stringify([...new Set(during.map((d) => d.status))]) } : {}),
      'completed s after the fault': round(recoveredS),
    });
  } finally {
    await stop(worker, 'SIGTERM');
    await owner.destroy().catch(() => undefined);
    await gw.close().catch(() => undefined);
    await pg.destroy();
  }
}
