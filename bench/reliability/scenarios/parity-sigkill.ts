import type { ChildProcess } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { request } from 'undici';
import { createDb } from '../../../modules/core/db';
import { startWorker, until } from '../../../modules/runs/pipeline/test-support';
import { parityRunner } from '../../../legacy-shadow/parity/index';
import { loginAs } from '../../../test/auth';
import { startGateway, type ScenarioEnv } from '../lib/gateway';
import { round, verdict, type ScenarioResult } from '../lib/result';

const stop = async (child: ChildProcess | undefined, signal: NodeJS.Signals) => {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
};

/** The fields of a report that must not depend on how its run went (not its id, name or times). */
const REPORT_FIELDS = ['employees', 'matched', 'mismatched', 'withinTolerance', 'maxAbsDiff', 'byOutput', 'batches', 'gateA', 'planRef'] as const;

/**
 * Worker SIGKILL mid-run for a parity report (ADR 0033): a report of `employees` generated
 * employees is started through the API (202), `npm run worker` runs it in chunks of `chunkRows`;
 * once some chunks are written the worker is SIGKILLed and a new one started. Verdict: the report
 * finishes; every chunk is written once (those written before the kill never computed again, at
 * most the one in flight computed twice); the chunks add up to one comparison per employee; no
 * mismatch row twice; and the report equals the in-memory run of the same source (runParity).
 */
export async function paritySigkill(env: ScenarioEnv, o: { employees: number; chunkRows: number; capMs?: number }): Promise<ScenarioResult> {
  const gw = await startGateway(env, { PARITY_CHUNK_ROWS: String(o.chunkRows), PARITY_WAIT_MS: '0' });
  const owner = createDb(env.databaseUrl, { max: 2 });
  let worker: ChildProcess | undefined;
  const workerEnv = {
    DATABASE_URL: env.databaseUrl,
    APP_DATABASE_URL: gw.config.APP_DATABASE_URL,
    REDIS_URL: gw.config.REDIS_URL,
    REDIS_PREFIX: gw.config.REDIS_PREFIX,
    LEGACY_URL: env.legacyUrl,
    PARITY_CHUNK_ROWS: String(o.chunkRows),
    RUNS_PIPELINE_THREADS: '1',
  };
  const source = { kind: 'generated' as const, employees: o.employees, seed: 17 };
  try {
    const ops = await loginAs(gw.app, { roles: ['admin'], platformRoles: ['ops'] });
    const headers = { ...ops.headers, 'content-type': 'application/json' };
    const created = await request(`${gw.url}/api/v1/parity/reports`, { method: 'POST', headers, body: JSON.stringify({ name: 'parity-sigkill', source }) });
    const createdBody = (await created.body.json()) as { id: string };
    const id = createdBody.id;
    const chunks = async () =>
      (await sql<{ chunk_no: number; employees: number; done: boolean; tries: number }>`select chunk_no, employees, done, tries from parity.report_chunks where report_id = ${id} order by chunk_no`.execute(owner)).rows;
    const status = async () => (await sql<{ status: string }>`select status from parity.reports where id = ${id}`.execute(owner)).rows[0]?.status;
    worker = await startWorker(workerEnv);
    await until(180_000, async () => (await chunks()).filter((c) => c.done).length >= 2, 20);
    await stop(worker, 'SIGKILL');
    const atKill = await chunks();
    const doneAtKill = atKill.filter((c) => c.done).map((c) => c.chunk_no);
    const t0 = performance.now();
    worker = await startWorker(workerEnv);
    const finished = await until(o.capMs ?? 300_000, async () => (await status()) !== 'running', 200);
    const recoveredS = (performance.now() - t0) / 1000;
    const after = await chunks();
    const report = (await (await request(`${gw.url}/api/v1/parity/reports/${id}`, { headers: ops.headers })).body.json()) as Record<string, unknown>;
    const dup = (await sql<{ n: string; distinct: string }>`select count(*) as n, count(distinct (batch_id, employee_id, output)) as distinct from parity.mismatches where report_id = ${id}`.execute(owner)).rows[0]!;
    const reference = await parityRunner.run(source, { legacyUrl: env.legacyUrl, legacyPython: gw.config.LEGACY_PYTHON, chunkSize: o.chunkRows });
    const refView = JSON.parse(JSON.stringify(reference)) as Record<string, unknown>;
    const differing = REPORT_FIELDS.filter((f) => !isDeepStrictEqual(report[f], refView[f]));
    const chunkEmployees = after.filter((c) => c.done).reduce((a, c) => a + c.employees, 0);
    const twice = after.filter((c) => c.tries > 1).map((c) => c.chunk_no);
    return verdict(
      'worker-sigkill-parity',
      [
        ['the API answered 202 (the worker runs the report)', created.statusCode === 202],
        ['the kill hit mid-run (chunks written before it, chunks still to do)', doneAtKill.length >= 1 && doneAtKill.length < atKill.length],
        ['the report finished after the restart', finished && report.status === 'done'],
        [`one comparison per employee (${o.employees} + 10 canonical)`, report.employees === o.employees + 10 && chunkEmployees === o.employees + 10 && after.every((c) => c.done)],
        ['chunks written before the kill were not computed again (tries 1)', after.filter((c) => doneAtKill.includes(c.chunk_no)).every((c) => c.tries === 1)],
        ['at most the chunk in flight at the kill computed twice', twice.length <= 1],
        ['no mismatch row twice', dup.n === dup.distinct],
        ['the same report as an uninterrupted in-memory run of the source', differing.length === 0],
      ],
      {
        employees: o.employees,
        chunks: after.length,
        'chunks written at the kill': doneAtKill.length,
        'chunks computed twice': twice.join(',') || 'none',
        'report status': String(report.status),
        'report employees': String(report.employees),
        'mismatch rows / distinct': `${dup.n} / ${dup.distinct}`,
        'fields differing from the reference': differing.join(',') || 'none',
        'finished s after the kill': round(recoveredS),
      },
    );
  } finally {
    await stop(worker, 'SIGTERM');
    await owner.destroy().catch(() => undefined);
    await gw.close().catch(() => undefined);
  }
}
