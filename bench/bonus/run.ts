/**
 * The legacy bonus family served by fig (modules/runs) against legacy itself, same run, same data:
 *  1. POST /api/v1/calculate with BENCH_BONUS_EMPLOYEES employees (default 10,000): fig in `new`
 *     vs legacy direct, identical request body, identical answer required; wall time per call.
 *  2. POST /api/v1/batches on a BENCH_BONUS_ROWS-row upload (default 100,000): the same CSV uploaded
 *     to each side, then the batch timed; peak RSS of each side's process during the batch (VmHWM,
 *     reset through /proc/<pid>/clear_refs before it); the batches' totals and results must agree.
 *     The uploads themselves (POST /api/v1/uploads of that CSV) are timed too, on both sides.
 *  3. Shadow of the family at BENCH_BONUS_RATE req/s (default 50), after the bonus backfill: the read
 *     routes and a small calculate, mode legacy vs mode shadow, ABBA rounds with the order alternating
 *     per round, each phase a paced open loop after 2 s discarded, the shadow queue drained after it;
 *     latencies pooled per mode (p50/p95/p99), per-round p99 pairs and a bootstrap over rounds, CPU
 *     per request of the gateway (main thread, all), legacy and fig's Postgres backends, and every
 *     sample's outcome (ADR 0031). Only this part: --only shadow.
 * Calls alternate legacy/fig/fig/legacy (ABBA) to cancel drift. Writes bench/results/bonus.md.
 *
 *   npx tsx bench/bonus/run.ts [--employees 10000] [--rows 100000] [--reps 2] [--rate 50] [--duration 12]
 *                              [--shadow-rounds 4] [--shadow-warmup 10] [--pin-loadgen 1] [--only calc,batch,shadow] [--no-write]
 *   (the same as env: BENCH_BONUS_EMPLOYEES, BENCH_BONUS_ROWS, BENCH_BONUS_REPS, BENCH_BONUS_RATE, BENCH_DURATION,
 *   BENCH_BONUS_SHADOW_ROUNDS, BENCH_BONUS_SHADOW_WARMUP, BENCH_PIN_LOADGEN, BENCH_NO_WRITE=1). Reduced sizes say so in the table.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Pool } from 'undici';
import { createDb } from '../../modules/core/db';
import { backfillBonus } from '../../modules/runs/index';
import { freePort, startLegacy } from '../../test/global-setup';
import { createBenchDb, waitForOk } from '../lib/setup';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** `--name value` from the command line, else the environment variable, else the default. */
function option(name: string, env: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i !== -1 && process.argv[i + 1] !== undefined) return process.argv[i + 1]!;
  return process.env[env] ?? fallback;
}
const EMPLOYEES = Number(option('employees', 'BENCH_BONUS_EMPLOYEES', '10000'));
const ROWS = Number(option('rows', 'BENCH_BONUS_ROWS', '100000'));
/** Rows of the untimed warm-up batch on each side. */
const WARM_ROWS = 5_000;
const REPS = Number(option('reps', 'BENCH_BONUS_REPS', '2'));
const RATE = Number(option('rate', 'BENCH_BONUS_RATE', '50'));
const DURATION = Number(option('duration', 'BENCH_DURATION', '12'));
const SHADOW_ROUNDS = Number(option('shadow-rounds', 'BENCH_BONUS_SHADOW_ROUNDS', '4'));
/** Seconds of untimed traffic in each mode before the first shadow round. */
const SHADOW_WARMUP = Number(option('shadow-warmup', 'BENCH_BONUS_SHADOW_WARMUP', '10'));
/** A CPU list for `taskset`: the load generator (this process) runs there during the shadow part; empty: not pinned. */
const PIN_LOADGEN = option('pin-loadgen', 'BENCH_PIN_LOADGEN', '');
/** The tenant legacy-compatible requests run in (config LEGACY_TENANT's default; the gateway is started without it). */
const LEGACY_TENANT = process.env.LEGACY_TENANT ?? '00000000-0000-4000-8000-00000000ac3e';
const ONLY = new Set(option('only', 'BENCH_BONUS_ONLY', 'calc,batch,shadow').split(','));
const NO_WRITE = process.argv.includes('--no-write') || process.env.BENCH_NO_WRITE === '1';
const TOKEN = randomBytes(16).toString('hex');
const log = (msg: string) => process.stderr.write(`[bench:bonus] ${msg}\n`);
const cleanups: (() => Promise<void>)[] = [];
const children: ChildProcess[] = [];

/** Deterministic employees (a small LCG): salaries, targets, scores, fund returns and revenues over legacy's band edges. */
function employees(n: number): Record<string, string>[] {
  let s = 42;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, i) => ({
    employee_id: `E${String(i + 1).padStart(6, '0')}`,
    name: `Employee ${i + 1}`,
    department: ['Sales', 'Ops', 'Finance', 'R&D'][i % 4]!,
    base_salary: (40_000 + Math.floor(next() * 160_000)).toFixed(2),
    target_pct: (5 + Math.floor(next() * 25)).toString(),
    performance_score: (next() * 1.5).toFixed(3),
    fund_return: ((next() - 0.3) * 0.4).toFixed(4),
    revenue: Math.floor(next() * 8_000_000).toString(),
  }));
}

const COLS = [
  'employee_id',
  'name',
  'department',
  'base_salary',
  'target_pct',
  'performance_score',
  'fund_return',
  'revenue',
];
const csvOf = (rows: Record<string, string>[]) =>
  `${COLS.join(',')}\n${rows.map((r) => COLS.map((c) => r[c]).join(',')).join('\n')}\n`;

async function timed(url: string, init: RequestInit): Promise<{ ms: number; status: number; body: string }> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { ms: performance.now() - t0, status: res.status, body };
}

/** Peak resident set since the last reset, in MiB (Linux /proc). */
const peakRss = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
/** Resident set now, in MiB. */
const rssNow = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const resetPeak = (pid: number) => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    /* not permitted: the peak then covers the process's whole life (stated in the table) */
  }
};
/** CPU time (user + system, every thread) the process has used so far, in ms (Linux /proc; 10 ms ticks). */
const cpuMs = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};
/** CPU time of one thread of a process so far, in ms (the gateway's main thread: its tid is its pid). */
const threadCpuMs = (pid: number, tid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
};
/** CPU time so far of each of several processes (Postgres backends) still alive. */
const cpuOfPids = (pids: number[]): Map<number, number> => {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      out.set(pid, cpuMs(pid));
    } catch {
      /* gone */
    }
  }
  return out;
};
/** CPU the backends alive now used since `before` (a backend started since counts from 0; one gone since is not counted). */
const cpuSince = (before: Map<number, number>, now: Map<number, number>): number => {
  let sum = 0;
  for (const [pid, ms] of now) sum += ms - (before.get(pid) ?? 0);
  return sum;
};
/** One timed phase of the shadow part: its latencies and the CPU per request of each process. */
interface ShadowPhase {
  round: number;
  mode: 'legacy' | 'shadow';
  lat: number[];
  cpu: { main: number; gw: number; legacy: number; pg: number };
  /** Shadow samples started while a primary was in flight (they had waited SHADOW_DEFER_MAX_MS). */
  overdue: number;
}

/** The median (the mean of the middle two for an even count: with 2 reps, not the slower of the two). */
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function upload(base: string, csv: string): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'bench.csv');
  const res = await fetch(`${base}/api/v1/uploads`, { method: 'POST', body: form });
  const body = (await res.json()) as { id: number };
  if (res.status !== 201)
    throw new Error(`upload to ${base}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body.id;
}

/** A paced open loop: `rate` requests a second for `seconds`, cycling through `paths`; every latency in ms. */
async function paced(
  base: string,
  paths: { method: string; path: string; body?: string }[],
  rate: number,
  seconds: number,
): Promise<{ lat: number[]; errors: number }> {
  const pool = new Pool(base, { connections: 16 });
  const total = Math.round(rate * seconds);
  const lat: number[] = [];
  let errors = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const req = paths[i % paths.length]!;
    inflight.push(
      (async () => {
        const t0 = process.hrtime.bigint();
        try {
          const res = await pool.request({
            path: req.path,
            method: req.method as 'GET',
            body: req.body,
            headers: req.body ? { 'content-type': 'application/json' } : {},
          });
          await res.body.arrayBuffer();
          if (res.statusCode >= 400) errors++;
          lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        } catch {
          errors++;
        }
      })(),
    );
  }
  await Promise.all(inflight);
  await pool.close();
  return { lat, errors };
}

/** The q-quantile (nearest rank) of unsorted samples. */
function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

async function main(): Promise<void> {
  const legacy = await startLegacy();
  cleanups.push(legacy.stop);
  const db = await createBenchDb('fig_bench_bonus');
  cleanups.push(db.drop);
  const port = await freePort();
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    LEGACY_URL: legacy.url,
    DATABASE_URL: db.url,
    REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
    LOG_LEVEL: 'warn',
    ADMIN_TOKEN: TOKEN,
    AUTOROLLBACK_ENABLED: 'false',
    // As bench/run.sh: the timed calls are meant to saturate; load shedding would turn them into 503s.
    LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: process.env.LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION ?? '0',
  };
  // BENCH_GATEWAY_NODE_ARGS: extra node flags for the gateway (profiling: "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const nodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const gw = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(root, 'gateway/main.ts')], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(gw);
  const fig = `http://127.0.0.1:${port}`;
  await waitForOk(`${fig}/healthz`, 60_000, gw);
  const group = async (mode: string) => {
    const res = await fetch(`${fig}/_fig/route-groups/flip`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ module: 'runs', mode, reason: `bench: ${mode}`, override: true }),
    });
    if (!res.ok) throw new Error(`group flip ${mode}: ${res.status} ${await res.text()}`);
  };
  /**
   * Wait until fig's shadow queue is empty and idle: in mode `new` a write of the family is
   * replayed to legacy after it answered (reverse shadow, dual-write), and that replay (a whole
   * batch on legacy) must not overlap the next timed call of either side.
   */
  const settle = async () => {
    const key = encodeURIComponent('POST /api/v1/batches');
    for (let i = 0; i < 600; i++) {
      const res = await fetch(`${fig}/_fig/routes/${key}/shadow?window=1m`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const q = ((await res.json()) as { queue?: { queued: number; running: number } }).queue;
      if (!q || (q.queued === 0 && q.running === 0)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const legacyPid = legacy.pid!; // the uvicorn process itself (test/global-setup spawns python directly)

  const calc = { legacy: [] as number[], fig: [] as number[] };
  const calcCpu = { legacy: [] as number[], fig: [] as number[] };
  let same = true;
  if (ONLY.has('calc')) {
    // 1. calculate
    await group('new');
    const body = JSON.stringify({ employees: employees(EMPLOYEES) });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
    await timed(`${legacy.url}/api/v1/calculate`, init); // warm-up both
    await timed(`${fig}/api/v1/calculate`, init);
    for (let r = 0; r < REPS; r++) {
      for (const side of ['legacy', 'fig', 'fig', 'legacy'] as const) {
        const pid = side === 'legacy' ? legacyPid : gw.pid!;
        const cpu0 = cpuMs(pid);
        const res = await timed(`${side === 'legacy' ? legacy.url : fig}/api/v1/calculate`, init);
        if (res.status !== 200) throw new Error(`calculate on ${side}: ${res.status} ${res.body.slice(0, 300)}`);
        calc[side].push(res.ms);
        calcCpu[side].push(cpuMs(pid) - cpu0);
        if (side === 'fig') same &&= res.body === (await timed(`${legacy.url}/api/v1/calculate`, init)).body;
      }
    }
    log(
      `calculate ${EMPLOYEES}: legacy ${median(calc.legacy).toFixed(0)} ms (cpu ${median(calcCpu.legacy).toFixed(0)}), fig ${median(calc.fig).toFixed(0)} ms (cpu ${median(calcCpu.fig).toFixed(0)}), identical ${same}`,
    );
  }

  const batch = { legacy: [] as number[], fig: [] as number[] };
  const batchCpu = { legacy: [] as number[], fig: [] as number[] };
  const uploads = { legacy: [] as number[], fig: [] as number[] };
  const rss = { legacy: 0, fig: 0 };
  const before = { legacy: 0, fig: 0 };
  const totals = new Set<string>();
  if (ONLY.has('batch')) {
    // 2. batches on a big upload (the uploads timed too: legacy, fig, fig, legacy — the last two kept for the batches)
    await group('new');
    const csv = csvOf(employees(ROWS));
    const ids = { legacy: 0, fig: 0 };
    for (const side of ['legacy', 'fig', 'fig', 'legacy'] as const) {
      await settle();
      const t0 = performance.now();
      ids[side] = await upload(side === 'legacy' ? legacy.url : fig, csv);
      uploads[side].push(performance.now() - t0);
    }
    log(`upload ${ROWS}: legacy ${median(uploads.legacy).toFixed(0)} ms, fig ${median(uploads.fig).toFixed(0)} ms`);
    // Warm-up, both sides alike: one batch on a small upload (above the size computed inline, so
    // fig's compute workers start here and not inside the first timed batch), not timed.
    for (const side of ['legacy', 'fig'] as const) {
      const base = side === 'legacy' ? legacy.url : fig;
      const small = await upload(base, csvOf(employees(WARM_ROWS)));
      const res = await fetch(`${base}/api/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ upload_id: small }) });
      if (res.status !== 201) throw new Error(`warm-up batch on ${side}: ${res.status} ${await res.text()}`);
      await settle();
    }
    for (let r = 0; r < REPS; r++) {
      for (const side of ['legacy', 'fig', 'fig', 'legacy'] as const) {
        const pid = side === 'legacy' ? legacyPid : gw.pid!;
        await settle();
        before[side] = Math.max(before[side], rssNow(pid));
        resetPeak(pid);
        const cpu0 = cpuMs(pid);
        const res = await timed(`${side === 'legacy' ? legacy.url : fig}/api/v1/batches`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ upload_id: ids[side] }),
        });
        if (res.status !== 201) throw new Error(`batch on ${side}: ${res.status} ${res.body.slice(0, 300)}`);
        batch[side].push(res.ms);
        batchCpu[side].push(cpuMs(pid) - cpu0);
        rss[side] = Math.max(rss[side], peakRss(pid));
        const b = JSON.parse(res.body) as { total_bonus: string; employee_count: number };
        totals.add(`${b.employee_count}:${b.total_bonus}`);
      }
    }
    log(
      `batch ${ROWS}: legacy ${median(batch.legacy).toFixed(0)} ms (cpu ${median(batchCpu.legacy).toFixed(0)}, peak ${rss.legacy.toFixed(0)} MiB), fig ${median(batch.fig).toFixed(0)} ms (cpu ${median(batchCpu.fig).toFixed(0)}, peak ${rss.fig.toFixed(0)} MiB), same totals ${totals.size === 1}`,
    );
  }

  // 3. shadow of the family at a steady rate
  // Requests a client makes all day (pages of 10, one batch, a small calculate); the big calls above are not in the mix.
  const small = JSON.stringify({ employees: employees(5) });
  const mix = [
    { method: 'GET', path: '/api/v1/uploads?limit=10' },
    { method: 'GET', path: '/api/v1/batches/1' },
    { method: 'GET', path: '/api/v1/batches/1/results?limit=10' },
    { method: 'GET', path: '/api/v1/scenarios?limit=10' },
    { method: 'POST', path: '/api/v1/calculate', body: small },
  ];
  const shadow = { legacy: [] as number[], shadow: [] as number[] };
  const phases: ShadowPhase[] = [];
  let shadowErrors = 0;
  let backfilled = '';
  let outcomes: { outcome: string; reason: string | null; n: number }[] = [];
  let shadowedRequests = 0;
  if (ONLY.has('shadow')) {
    // The family is in `shadow` after the backfill (issue 13): fig holds legacy's records under the
    // same ids, so the samples are the usual matches, not a mismatch (and corpus write) per request.
    const figDb = createDb(db.url, { max: 2 });
    try {
      const report = await backfillBonus({ db: figDb, legacyUrl: legacy.url }, LEGACY_TENANT);
      backfilled = `${report.uploads.copied} uploads, ${report.batches.copied} batches, ${report.scenarios.copied} scenarios`;
    } finally {
      await figDb.destroy();
    }
    if (PIN_LOADGEN !== '') {
      // The load generator (this process, every thread) on one CPU; gateway, legacy and Postgres keep every CPU.
      execFileSync('taskset', ['-a', '-p', '-c', PIN_LOADGEN, String(process.pid)], { stdio: 'ignore' });
    }
    const queueIdle = async () => {
      const key = encodeURIComponent('GET /api/v1/uploads');
      for (let i = 0; i < 200; i++) {
        const res = await fetch(`${fig}/_fig/routes/${key}/shadow?window=1m`, { headers: { authorization: `Bearer ${TOKEN}` } });
        const q = ((await res.json()) as { queue?: { queued: number; running: number; overdue: number } }).queue;
        if (!q || (q.queued === 0 && q.running === 0)) return q?.overdue ?? 0;
        await new Promise((r) => setTimeout(r, 100));
      }
      return -1;
    };
    const pgPids = async (): Promise<number[]> => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        const r = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
        return r.rows.map((x) => x.pid);
      } finally {
        await c.end();
      }
    };
    // Untimed warm-up in both modes (JIT, connections, the module's first queries and plan cache).
    for (const mode of ['shadow', 'legacy'] as const) {
      await group(mode);
      await paced(fig, mix, RATE, SHADOW_WARMUP);
      if (mode === 'shadow') shadowedRequests += Math.round(RATE * SHADOW_WARMUP);
      await queueIdle();
    }
    let overdueBefore = await queueIdle();
    for (let r = 0; r < SHADOW_ROUNDS; r++) {
      // ABBA, the order alternating per round (legacy-first, then shadow-first) so neither mode owns a slot.
      const order = r % 2 === 0 ? (['legacy', 'shadow', 'shadow', 'legacy'] as const) : (['shadow', 'legacy', 'legacy', 'shadow'] as const);
      for (const mode of order) {
        await group(mode);
        await paced(fig, mix, RATE, 2); // discarded: the flip fanned out, connections warm
        const pg0 = cpuOfPids(await pgPids());
        const cpu0 = { main: threadCpuMs(gw.pid!, gw.pid!), gw: cpuMs(gw.pid!), legacy: cpuMs(legacyPid) };
        const { lat, errors } = await paced(fig, mix, RATE, DURATION);
        // The phase's shadow work is part of its cost: drained before CPU is read.
        const overdue = await queueIdle();
        const n = lat.length || 1;
        phases.push({
          round: r,
          mode,
          lat,
          cpu: {
            main: (threadCpuMs(gw.pid!, gw.pid!) - cpu0.main) / n,
            gw: (cpuMs(gw.pid!) - cpu0.gw) / n,
            legacy: (cpuMs(legacyPid) - cpu0.legacy) / n,
            pg: cpuSince(pg0, cpuOfPids(await pgPids())) / n,
          },
          overdue: overdue - overdueBefore,
        });
        overdueBefore = overdue;
        if (mode === 'shadow') shadowedRequests += Math.round(RATE * (DURATION + 2));
        shadow[mode].push(...lat);
        shadowErrors += errors;
      }
    }
    await queueIdle();
    await fetch(`${fig}/_fig/routes/${encodeURIComponent('GET /api/v1/uploads')}/shadow?window=1h`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await new Promise((r) => setTimeout(r, 500)); // the sample writer's last flush (every 200 ms)
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const r = await c.query<{ outcome: string; reason: string | null; n: string }>(
        "select outcome, skip_reason as reason, count(*) as n from shadow.samples where primary_side = 'legacy' group by 1, 2 order by 3 desc",
      );
      outcomes = r.rows.map((x) => ({ outcome: x.outcome, reason: x.reason, n: Number(x.n) }));
    } finally {
      await c.end();
    }
    log(`shadow @${RATE}/s: p99 legacy ${quantile(shadow.legacy, 0.99).toFixed(2)} ms, shadow ${quantile(shadow.shadow, 0.99).toFixed(2)} ms`);
  }

  const ratio = (a: number[], b: number[]) => median(a) / median(b);
  const cr = ratio(calc.legacy, calc.fig);
  const br = ratio(batch.legacy, batch.fig);
  const q = (mode: 'legacy' | 'shadow', p: number) => quantile(shadow[mode], p);
  const sd = (q('shadow', 0.99) - q('legacy', 0.99)) / q('legacy', 0.99);
  const reduced =
    EMPLOYEES < 10_000 || ROWS < 100_000 || DURATION < 15
      ? `\n**Reduced size** (shared machine): ${EMPLOYEES} employees, ${ROWS} rows, ${DURATION} s per shadow phase; the full run is 10,000, 100,000 and 15 s.\n`
      : '';
  const calcMd = ONLY.has('calc')
    ? `| POST /api/v1/calculate, ${EMPLOYEES.toLocaleString('en-US')} employees (wall ms) | ${median(calc.legacy).toFixed(0)} | ${median(calc.fig).toFixed(0)} | ${cr.toFixed(2)}× | ≥ 3× | ${cr >= 3 ? 'met' : 'not met'} |
| CPU of the side's process per calculate (ms) | ${median(calcCpu.legacy).toFixed(0)} | ${median(calcCpu.fig).toFixed(0)} | ${(median(calcCpu.legacy) / median(calcCpu.fig)).toFixed(2)}× | | |\n`
    : '';
  const batchMd = ONLY.has('batch')
    ? `| POST /api/v1/batches, ${ROWS.toLocaleString('en-US')}-row upload (wall ms) | ${median(batch.legacy).toFixed(0)} | ${median(batch.fig).toFixed(0)} | ${br.toFixed(2)}× | ≥ 3× | ${br >= 3 ? 'met' : 'not met'} |
| CPU of the side's process per batch (ms; fig's without Postgres) | ${median(batchCpu.legacy).toFixed(0)} | ${median(batchCpu.fig).toFixed(0)} | ${(median(batchCpu.legacy) / median(batchCpu.fig)).toFixed(2)}× | | |
| peak RSS during the batch (MiB, VmHWM) | ${rss.legacy.toFixed(0)} | ${rss.fig.toFixed(0)} | | bounded | |
| RSS just before the batch (MiB, VmRSS) | ${before.legacy.toFixed(0)} | ${before.fig.toFixed(0)} | | | |
| POST /api/v1/uploads of the same ${ROWS.toLocaleString('en-US')} rows (wall ms, setup) | ${median(uploads.legacy).toFixed(0)} | ${median(uploads.fig).toFixed(0)} | ${ratio(uploads.legacy, uploads.fig).toFixed(2)}× | | |
`
    : '';
  const checks = [
    ONLY.has('calc') ? `Calculate bodies identical on every fig call: **${same ? 'yes' : 'NO'}**.` : '',
    ONLY.has('batch') ? `Batch employee count and total_bonus the same on both sides: **${totals.size === 1 ? 'yes' : 'NO'}** (${[...totals].join(' / ')}).` : '',
  ].filter(Boolean);
  const shadowMd = ONLY.has('shadow') ? shadowSection() : '';
  function shadowSection(): string {
    const pct = (a: number, b: number) => ((a - b) / b) * 100;
    const fmt = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`;
    const pooled = (rounds: number[], mode: 'legacy' | 'shadow') => rounds.flatMap((r) => phases.filter((p) => p.round === r && p.mode === mode).flatMap((p) => p.lat));
    const all = Array.from({ length: SHADOW_ROUNDS }, (_, r) => r);
    const perRound = all.map((r) => ({ r, legacy: quantile(pooled([r], 'legacy'), 0.99), shadow: quantile(pooled([r], 'shadow'), 0.99) }));
    const roundDeltas = perRound.map((x) => pct(x.shadow, x.legacy));
    // Bootstrap over rounds (each round's phases stay together): how far the pooled p99 difference moves with the rounds drawn.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const boot: number[] = [];
    for (let i = 0; i < 400; i++) {
      const pick = all.map(() => all[Math.floor(rnd() * all.length)]!);
      boot.push(pct(quantile(pooled(pick, 'shadow'), 0.99), quantile(pooled(pick, 'legacy'), 0.99)));
    }
    const cpuOf = (mode: 'legacy' | 'shadow', k: keyof ShadowPhase['cpu']) => {
      const ps = phases.filter((p) => p.mode === mode);
      return ps.reduce((s, p) => s + p.cpu[k], 0) / (ps.length || 1);
    };
    const cpuRow = (label: string, k: keyof ShadowPhase['cpu']) =>
      `| ${label} | ${cpuOf('legacy', k).toFixed(2)} | ${cpuOf('shadow', k).toFixed(2)} | ${(cpuOf('shadow', k) - cpuOf('legacy', k)).toFixed(2)} |`;
    const samples = outcomes.reduce((n, o) => n + o.n, 0);
    const overdue = phases.filter((p) => p.mode === 'shadow').reduce((n, p) => n + p.overdue, 0);
    return `
## Shadow of the family at ${RATE} req/s

Paced open loop through fig (${RATE} req/s, undici, 16 keep-alive connections, hrtime per request), after the bonus backfill
(${backfilled}: fig holds legacy's records under the same ids, as a family in \`shadow\` does).
${SHADOW_ROUNDS} rounds of four ${DURATION} s phases, ABBA with the order alternating per round (legacy, shadow, shadow, legacy; then
shadow, legacy, legacy, shadow); each phase after the flip and 2 s of discarded traffic, and the shadow queue drained after it
(so a phase's shadow work is counted in its own CPU and never spills into the next phase). Before the rounds, ${SHADOW_WARMUP} s untimed
in each mode. Load generator ${PIN_LOADGEN ? `pinned to CPU ${PIN_LOADGEN} (\`taskset -a -p\`), the other processes unpinned` : 'not pinned'}.
Load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} (1/5/15 min).
Mix: GET /uploads?limit=10, GET /batches/1, GET /batches/1/results?limit=10, GET /scenarios?limit=10, POST /calculate (5 employees).
The primary (legacy) answer through fig, in ms, pooled per mode (${shadow.legacy.length} and ${shadow.shadow.length} requests, ${shadowErrors} errors):

| mode | p50 | p95 | p99 |
|---|---|---|---|
| legacy | ${q('legacy', 0.5).toFixed(2)} | ${q('legacy', 0.95).toFixed(2)} | ${q('legacy', 0.99).toFixed(2)} |
| shadow | ${q('shadow', 0.5).toFixed(2)} | ${q('shadow', 0.95).toFixed(2)} | ${q('shadow', 0.99).toFixed(2)} |

Shadow adds **${fmt(sd * 100)}** to the primary's pooled p99 — target < 5 %: **${sd < 0.05 ? 'met' : 'not met'}**.
Spread: per round (p99 shadow vs legacy of the same round) ${perRound.map((x) => `${x.legacy.toFixed(2)} → ${x.shadow.toFixed(2)} (${fmt(pct(x.shadow, x.legacy))})`).join(', ')};
median of the rounds ${fmt(median(roundDeltas))}; bootstrap over rounds (400 draws) 5th–95th percentile ${fmt(quantile(boot, 0.05))} … ${fmt(quantile(boot, 0.95))}.
p99 per phase, in run order: ${phases.map((ph) => `${ph.mode} ${quantile(ph.lat, 0.99).toFixed(2)}`).join(', ')}.

CPU per request (ms, user + system from /proc, each phase's shadow work drained inside it; mean over the phases of a mode):

| process | legacy mode | shadow mode | shadow's cost |
|---|---|---|---|
${cpuRow("gateway main thread (proxy; shadow's module calls and diffs)", 'main')}
${cpuRow('gateway, every thread', 'gw')}
${cpuRow('legacy (uvicorn)', 'legacy')}
${cpuRow("Postgres backends of fig's database", 'pg')}

Shadow samples (legacy primary) recorded: ${samples} for ${shadowedRequests} requests sent in mode shadow (warm-ups included): ${outcomes.map((o) => `${o.outcome}${o.reason ? ` (${o.reason})` : ''} ${o.n}`).join(', ')}.
Samples started while a primary was in flight (after SHADOW_DEFER_MAX_MS): ${overdue}.
`;
  }
  const md = `# Legacy bonus family: fig (modules/runs) vs legacy

\`npx tsx bench/bonus/run.ts\` (also run by \`npm run bench\`). One gateway process (\`gateway/main.ts\`, route family in
mode \`new\` through a group flip) and the real legacy service, on one machine (${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average at the end ${os.loadavg()[0]!.toFixed(1)}).
Same run, same data, calls alternating legacy / fig / fig / legacy, ${REPS} round(s); medians (mean of the middle two
for an even count). Before the timed batches each side runs one untimed ${WARM_ROWS.toLocaleString('en-US')}-row warm-up batch, and
before every timed upload and batch fig's shadow queue is empty (in mode \`new\` fig replays each write to legacy, the
reverse shadow; that replay must not overlap the next timed call). CPU is user + system time of the whole process (/proc).
A shared machine's load makes wall times noise; the load average is printed above.
${reduced}
| operation | legacy direct | fig \`new\` | legacy / fig | target | |
|---|---|---|---|---|---|
${calcMd}${batchMd}
${checks.join(' ')}
Peak RSS is the whole process (fig: gateway plus its compute worker threads), reset before each batch where /proc allows.
fig computes a batch as a pipeline of ${'`'}RUN_CHUNK_ROWS${'`'}-row chunks (range reads, compute workers, COPY), see docs/adr/0022.
${shadowMd}
_Generated ${new Date().toISOString()}._
`;
  process.stdout.write(md);
  if (!NO_WRITE) writeFileSync(path.join(root, 'bench/results/bonus.md'), md);
}

async function cleanup(): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
}

main()
  .then(cleanup, async (err) => {
    log(`failed: ${(err as Error).stack ?? err}`);
    await cleanup();
    process.exitCode = 1;
  })
  .then(() => process.exit(process.exitCode ?? 0));
