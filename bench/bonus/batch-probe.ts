/**
 * Probe of the legacy batch's write path without HTTP: createRun (modules/runs) over a
 * PROBE_ROWS-row upload (default 100,000) in this process with its compute worker pool, a few
 * times; per run the wall time, this process's CPU and the CPU of the database's Postgres
 * backends (/proc, so Postgres' own share of a batch is visible). Not part of `npm run bench`.
 *
 *   npx tsx bench/bonus/batch-probe.ts [--rows 100000] [--reps 4] [--pool 1000000] [--keep]
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { sql } from 'kysely';
import { createDb, withTenant } from '../../modules/core/db';
import { computerFor, createRun, createUpload, NUMERIC_COLUMNS } from '../../modules/runs/index';
import { startComputePool } from '../../modules/runs/compute-pool';
import { createBenchDb } from '../lib/setup';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i !== -1 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const ROWS = Number(arg('rows', process.env.PROBE_ROWS ?? '100000'));
const REPS = Number(arg('reps', '4'));
const POOL = arg('pool', '');
const TENANT = '00000000-0000-4000-8000-00000000ac3e';

function employees(n: number) {
  let s = 42;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, i) => ({
    row_no: i + 1,
    employee_id: `E${String(i + 1).padStart(6, '0')}`,
    name: `Employee ${i + 1}`,
    department: ['Sales', 'Ops', 'Finance', 'R&D'][i % 4]!,
    inputs: {
      base_salary: (40_000 + Math.floor(next() * 160_000)).toFixed(2),
      target_pct: (5 + Math.floor(next() * 25)).toString(),
      performance_score: (next() * 1.5).toFixed(3),
      fund_return: ((next() - 0.3) * 0.4).toFixed(4),
      revenue: Math.floor(next() * 8_000_000).toString(),
    } as Record<string, string>,
  }));
}

const ticks = (pid: number | string) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
};
import { readdirSync } from 'node:fs';
/** CPU ms per thread name of this process (/proc/self/task). */
const threadCpu = (): Map<string, number> => {
  const m = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const key = tid === String(process.pid) ? 'main' : name;
      m.set(key, (m.get(key) ?? 0) + ticks(`self/task/${tid}`));
    } catch {
      /* gone */
    }
  }
  return m;
};
const diffThreads = (a: Map<string, number>, b: Map<string, number>) =>
  [...b].map(([k, v]) => [k, v - (a.get(k) ?? 0)] as const).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ');
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main() {
  const bench = await createBenchDb('fig_probe_batch');
  const db = createDb(bench.url, { max: 10 });
  const log = pino({ level: 'warn' });
  const stop = startComputePool(db, { size: 2, timeoutMs: 120_000, maxQueue: 100, log });
  const deps = { db, log, compute: computerFor(db) };
  try {
    void NUMERIC_COLUMNS;
    const up = await createUpload(deps, TENANT, { filename: 'probe.csv', content: Buffer.from('x'), rows: employees(ROWS), source: 'legacy-api' });
    const warm = await createUpload(deps, TENANT, { filename: 'warm.csv', content: Buffer.from('y'), rows: employees(5_000), source: 'legacy-api' });
    await createRun(deps, TENANT, { uploadId: warm.id, poolAmount: null, name: null, bands: null, source: 'legacy-api' });
    await sql`vacuum analyze`.execute(db);
    const dbName = new URL(bench.url).pathname.slice(1);
    const backends = async () =>
      (await sql<{ pid: number }>`select pid from pg_stat_activity where datname = ${dbName}`.execute(db)).rows.map((r) => r.pid);
    const walCpu = async () => {
      const pids = (await sql<{ pid: number }>`select pid from pg_stat_activity where backend_type in ('walwriter', 'checkpointer', 'background writer')`.execute(db)).rows;
      return pids.reduce((n, p) => n + ticks(p.pid), 0);
    };
    const results: { wall: number; cpu: number; pg: number; bg: number }[] = [];
    for (let i = 0; i < REPS; i++) {
      const pids = await backends();
      const pg0 = pids.reduce((n, p) => n + ticks(p), 0);
      const bg0 = await walCpu();
      const th0 = threadCpu();
      const c0 = selfCpu();
      const t0 = performance.now();
      const run = await createRun(deps, TENANT, { uploadId: up.id, poolAmount: POOL === '' ? null : POOL, name: null, bands: null, source: 'legacy-api' });
      const wall = performance.now() - t0;
      const cpu = selfCpu() - c0;
      const pg = pids.reduce((n, p) => n + ticks(p), 0) - pg0;
      const bg = (await walCpu()) - bg0;
      results.push({ wall, cpu, pg, bg });
      console.log(`  threads: ${diffThreads(th0, threadCpu())}`);
      const wal = (await sql<{ n: string }>`select pg_size_pretty(pg_relation_size('runs.run_results')) as n`.execute(db)).rows[0]?.n;
      console.log(`run ${run.id}: ${run.employee_count} rows total ${run.total_bonus} pool ${run.total_pool_bonus} — wall ${wall.toFixed(0)} ms, node cpu ${cpu.toFixed(0)} ms, pg backends cpu ${pg.toFixed(0)} ms, pg bg ${bg.toFixed(0)} ms (run_results ${wal})`);
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(
      `median: wall ${med(results.map((r) => r.wall)).toFixed(0)} ms, node cpu ${med(results.map((r) => r.cpu)).toFixed(0)}, pg cpu ${med(results.map((r) => r.pg)).toFixed(0)}, bg ${med(results.map((r) => r.bg)).toFixed(0)}; load ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`,
    );
    if (process.argv.includes('--keep')) console.log(`kept ${bench.url}`);
    await withTenant(db, TENANT, async () => undefined);
  } finally {
    await stop();
    await db.destroy();
    if (!process.argv.includes('--keep')) await bench.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
