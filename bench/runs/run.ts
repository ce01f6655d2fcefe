/**
 * Runs end to end (issue 14, Speed): one employee file per size (default 10k, 100k, 1M rows) sent to
 * fig over tus, then timed from **upload received** (the last PATCH answered) to **all results
 * stored** (the run `completed`): scan + parse + COPY of the rows (worker job), mapping suggestions
 * and the mapping saved with its validation report (the bench plays the SPA and accepts the
 * suggestions), POST /runs and the pipeline job (chunks in worker threads, results stored, totals,
 * snapshot hash). The legacy-equivalent plan (seeded, locked) is the plan.
 * Beside it, in the same run, the real legacy service on the same 10k and 100k files:
 * POST /api/v1/uploads (multipart; legacy parses and stores the rows) then POST /api/v1/batches.
 * Peak RSS of fig (gateway + worker process, the worker's threads included) per size, sampled every
 * 100 ms, and of legacy during its batch. Totals must agree with legacy's to the cent.
 *
 *   node --import tsx bench/runs/run.ts [--quick] [--sizes 10000,100000,1000000] [--legacy-sizes 10000,100000] [--no-write]
 *   env: BENCH_RUNS_SIZES, BENCH_RUNS_LEGACY_SIZES, BENCH_RUNS_QUICK=1, BENCH_NO_WRITE=1, BENCH_RUNS_LOG=1 (the processes' logs
 *   to stderr; LOG_LEVEL sets their level)
 *   --quick (shared machine): sizes 5,000, 20,000, 50,000; legacy on the first two. Writes bench/results/runs.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  createWriteStream,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../gateway/config';
import { buildApp } from '../../gateway/app';
import { freePort, startLegacy } from '../../test/global-setup';
import { loginAs } from '../../test/auth';
import { legacyPlanId } from '../../modules/storage/test-support';
import { createBenchDb, waitForOk } from '../lib/setup';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
function option(name: string, env: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i !== -1 && process.argv[i + 1] !== undefined) return process.argv[i + 1]!;
  return process.env[env] ?? fallback;
}
const QUICK = process.argv.includes('--quick') || process.env.BENCH_RUNS_QUICK === '1';
const SIZES = option('sizes', 'BENCH_RUNS_SIZES', QUICK ? '5000,20000,50000' : '10000,100000,1000000')
  .split(',')
  .map(Number);
const LEGACY_SIZES = new Set(
  option('legacy-sizes', 'BENCH_RUNS_LEGACY_SIZES', SIZES.slice(0, 2).join(','))
    .split(',')
    .filter(Boolean)
    .map(Number),
);
const NO_WRITE = process.argv.includes('--no-write') || process.env.BENCH_NO_WRITE === '1';
const log = (msg: string) => process.stderr.write(`[bench:runs] ${msg}\n`);
const cleanups: (() => Promise<void> | void)[] = [];
const children: ChildProcess[] = [];

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

/** Write n deterministic employees (a small LCG over legacy's band edges) as CSV, streamed to disk. */
async function writeEmployees(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  let s = 42;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  let buf = `${COLS.join(',')}\n`;
  for (let i = 1; i <= n; i++) {
    buf += `E${String(i).padStart(7, '0')},Employee ${i},${['Sales', 'Ops', 'Finance', 'R&D'][i % 4]},${(40_000 + Math.floor(next() * 160_000)).toFixed(2)},${(
      (5 + Math.floor(next() * 25)) /
      100
    ).toFixed(
      2,
    )},${(next() * 1.5).toFixed(3)},${((next() - 0.3) * 0.4).toFixed(4)},${Math.floor(next() * 8_000_000)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');
const kib = (pid: number, key: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status(pid))?.[1] ?? 0);
const resetPeak = (pid: number) => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    /* not permitted: the peak covers the process's life so far (stated in the table) */
  }
};

/** Sample the summed RSS of `pids` every 100 ms until stopped; the peak sum and each process's VmHWM. */
function rssSampler(pids: number[]) {
  pids.forEach(resetPeak);
  let peakSum = 0;
  const tick = () => {
    peakSum = Math.max(
      peakSum,
      pids.reduce((n, p) => n + kib(p, 'VmRSS'), 0),
    );
  };
  tick();
  const timer = setInterval(tick, 100);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
      return { sumMiB: peakSum / 1024, hwmMiB: pids.map((p) => kib(p, 'VmHWM') / 1024) };
    },
  };
}

const b64 = (t: string) => Buffer.from(t).toString('base64');
const PATCH_BYTES = 8 << 20;

/** Send a file to fig over tus in PATCHes of 8 MiB read from disk; the upload id from the last answer. */
async function tusUpload(base: string, headers: Record<string, string>, file: string): Promise<number> {
  const size = statSync(file).size;
  const tus = { 'tus-resumable': '1.0.0', ...headers };
  const created = await fetch(`${base}/uploads/tus`, {
    method: 'POST',
    headers: {
      ...tus,
      'upload-length': String(size),
      'upload-metadata': `filename ${b64(path.basename(file))},filetype ${b64('text/csv')}`,
    },
  });
  const location = created.headers.get('location');
  if (created.status !== 201 || !location)
    throw new Error(`tus create: ${created.status} ${await created.text()}`);
  const origin = new URL(base).origin;
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(PATCH_BYTES);
  let last: Response | undefined;
  try {
    for (let off = 0; off < size; off += PATCH_BYTES) {
      const n = readSync(fd, buf, 0, PATCH_BYTES, off);
      last = await fetch(`${origin}${location}`, {
        method: 'PATCH',
        headers: { ...tus, 'upload-offset': String(off), 'content-type': 'application/offset+octet-stream' },
        body: new Uint8Array(buf.subarray(0, n)),
      });
      if (last.status !== 204) throw new Error(`tus patch: ${last.status} ${await last.text()}`);
    }
  } finally {
    closeSync(fd);
  }
  return Number(last!.headers.get('upload-id'));
}

async function json<T>(res: Response, want: number, what: string): Promise<T> {
  const text = await res.text();
  if (res.status !== want) throw new Error(`${what}: ${res.status} ${text.slice(0, 400)}`);
  return JSON.parse(text) as T;
}

/** Poll `read` every 25 ms until `done` says so; fails after `ms`. */
async function until<T>(ms: number, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface FigCase {
  rows: number;
  mib: number;
  transferMs: number;
  parseMs: number;
  mapMs: number;
  runMs: number;
  totalMs: number;
  rssSum: number;
  rssGateway: number;
  rssWorker: number;
  totalPayout: string;
}
interface LegacyCase {
  uploadMs: number;
  batchMs: number;
  rss: number;
  total: string;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fig-bench-runs-'));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  const legacy = await startLegacy();
  cleanups.push(legacy.stop);
  const db = await createBenchDb('fig_bench_runs');
  cleanups.push(db.drop);
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOST: '127.0.0.1',
    PORT: String(port),
    LEGACY_URL: legacy.url,
    DATABASE_URL: db.url,
    REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ADMIN_TOKEN: randomBytes(16).toString('hex'),
    JWT_KEYS: `bench:${randomBytes(24).toString('hex')}`,
    STORAGE_DIR: path.join(tmp, 'storage'),
    AUTOROLLBACK_ENABLED: 'false',
    RATE_LIMIT_WRITES_PER_MIN: '100000',
    COOKIE_SECURE: 'false',
    ACCESS_TOKEN_TTL_S: '7200', // one token for the whole bench
    LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0',
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
  };
  // An in-process app only to seed the plan and mint a signed-in user's token (same keys and database).
  const app = await buildApp(loadConfig({ ...env, PORT: '0' }), { logger: false });
  await app.ready();
  const user = await loginAs(app, { roles: ['admin', 'hr'] });
  const planId = await legacyPlanId(app, user.tenantId);
  await app.close();

  const start = (entry: string, logLevel = env.LOG_LEVEL!) => {
    const prof = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', '--cpu-prof-dir', path.join(root, 'bench/runs/profiles')]
      : [];
    const child = spawn(process.execPath, [...prof, '--import', 'tsx', path.join(root, entry)], {
      cwd: root,
      env: { ...env, LOG_LEVEL: logLevel },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (process.env.BENCH_RUNS_LOG) child.stdout!.pipe(process.stderr);
    else child.stdout!.resume();
    children.push(child);
    return child;
  };
  const gw = start('gateway/main.ts');
  // The worker logs at info at least: the bench waits for its pipeline threads to be warm, as in a
  // long-running worker (a cold start is a one-off per worker process, not per run).
  const worker = start('gateway/worker.ts', env.LOG_LEVEL === 'debug' ? 'debug' : 'info');
  const warm = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker threads were not warm within 180 s')), 180_000);
    worker.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('pipeline threads warm')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const fig = `http://127.0.0.1:${port}`;
  await waitForOk(`${fig}/healthz`, 90_000, gw);
  await warm;
  const api = `${fig}/api/v1/tenants/${user.tenantId}`;
  const auth = { authorization: `Bearer ${user.token}` };
  const get = <T>(p: string) =>
    fetch(`${api}${p}`, { headers: auth }).then((r) => json<T>(r, 200, `GET ${p}`));

  const figRuns: FigCase[] = [];
  const legacyRuns = new Map<number, LegacyCase>();
  for (const n of SIZES) {
    const file = path.join(tmp, `employees-${n}.csv`);
    await writeEmployees(file, n);
    const mib = statSync(file).size / 1048576;

    if (LEGACY_SIZES.has(n)) {
      // Legacy: upload (multipart: it parses and stores the rows), then the batch over it.
      const form = new FormData();
      form.append('file', new Blob([readFileSync(file)], { type: 'text/csv' }), path.basename(file));
      const t0 = performance.now();
      const up = await json<{ id: number }>(
        await fetch(`${legacy.url}/api/v1/uploads`, { method: 'POST', body: form }),
        201,
        'legacy upload',
      );
      const t1 = performance.now();
      resetPeak(legacy.pid!);
      const batch = await json<{ total_bonus: string; employee_count: number }>(
        await fetch(`${legacy.url}/api/v1/batches`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ upload_id: up.id }),
        }),
        201,
        'legacy batch',
      );
      const t2 = performance.now();
      if (batch.employee_count !== n)
        throw new Error(`legacy batch counted ${batch.employee_count} employees, not ${n}`);
      legacyRuns.set(n, {
        uploadMs: t1 - t0,
        batchMs: t2 - t1,
        rss: kib(legacy.pid!, 'VmHWM') / 1024,
        total: batch.total_bonus,
      });
      log(`legacy ${n}: upload ${(t1 - t0).toFixed(0)} ms, batch ${(t2 - t1).toFixed(0)} ms`);
    }

    // fig: tus upload, then upload received → all results stored.
    const rss = rssSampler([gw.pid!, worker.pid!]);
    const t0 = performance.now();
    const uploadId = await tusUpload(api, auth, file);
    const received = performance.now();
    await until(
      600_000,
      () => get<{ status: string }>(`/uploads/${uploadId}`),
      (u) => {
        if (['invalid', 'quarantined'].includes(u.status))
          throw new Error(`upload ${uploadId}: ${JSON.stringify(u)}`);
        return u.status === 'parsed';
      },
    );
    const parsed = performance.now();
    const suggestions = await json<{ columns: { column: string; target: string | null }[] }>(
      await fetch(`${api}/uploads/${uploadId}/mapping-suggestions?plan_id=${planId}`, {
        method: 'POST',
        headers: auth,
      }),
      200,
      'mapping suggestions',
    );
    const columns = Object.fromEntries(suggestions.columns.map((c) => [c.column, c.target]));
    for (const c of [
      'employee_id',
      'base_salary',
      'target_pct',
      'performance_score',
      'fund_return',
      'revenue',
    ])
      if (columns[c] !== c) throw new Error(`mapping suggested ${c} → ${columns[c]}`);
    const mapped = await json<{ problemCount: number }>(
      await fetch(`${api}/uploads/${uploadId}/mapping`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ planId, columns }),
      }),
      200,
      'save mapping',
    );
    if (mapped.problemCount !== 0) throw new Error(`validation found ${mapped.problemCount} problems`);
    const mappedAt = performance.now();
    const started = await json<{ id: number }>(
      await fetch(`${api}/runs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ plan_id: planId, upload_id: uploadId, name: `bench ${n}` }),
      }),
      202,
      'start run',
    );
    const run = await until(
      600_000,
      () =>
        get<{ status: string; totals: { employees: number; failed: number; totalPayout: string } }>(
          `/runs/${started.id}`,
        ),
      (r) => {
        if (r.status === 'failed') throw new Error(`run failed: ${JSON.stringify(r)}`);
        return r.status === 'completed';
      },
    );
    const done = performance.now();
    const peak = rss.stop();
    if (run.totals.employees !== n) throw new Error(`run stored ${run.totals.employees} employees, not ${n}`);
    figRuns.push({
      rows: n,
      mib,
      transferMs: received - t0,
      parseMs: parsed - received,
      mapMs: mappedAt - parsed,
      runMs: done - mappedAt,
      totalMs: done - received,
      rssSum: peak.sumMiB,
      rssGateway: peak.hwmMiB[0]!,
      rssWorker: peak.hwmMiB[1]!,
      totalPayout: run.totals.totalPayout,
    });
    log(
      `fig ${n}: transfer ${(received - t0).toFixed(0)} ms; received → stored ${(done - received).toFixed(0)} ms (parse ${(parsed - received).toFixed(0)}, map ${(mappedAt - parsed).toFixed(0)}, run ${(done - mappedAt).toFixed(0)}); peak RSS ${peak.sumMiB.toFixed(0)} MiB`,
    );
    rmSync(file, { force: true });
  }

  const s = (ms: number) => (ms / 1000).toFixed(2);
  const fmt = (n: number) => n.toLocaleString('en-US');
  const targetOf = (n: number, ms: number) =>
    n === 10_000
      ? `< 5 s: ${ms < 5_000 ? 'met' : 'not met'}`
      : n === 1_000_000
        ? `< 120 s: ${ms < 120_000 ? 'met' : 'not met'}`
        : '';
  const figRowsMd = figRuns
    .map(
      (r) =>
        `| ${fmt(r.rows)} | ${r.mib.toFixed(1)} | ${s(r.transferMs)} | ${s(r.parseMs)} | ${s(r.mapMs)} | ${s(r.runMs)} | **${s(r.totalMs)}** | ${targetOf(r.rows, r.totalMs)} | ${r.rssSum.toFixed(0)} (${r.rssGateway.toFixed(0)} + ${r.rssWorker.toFixed(0)}) |`,
    )
    .join('\n');
  const legacyMd = [...legacyRuns]
    .map(([n, l]) => {
      const f = figRuns.find((r) => r.rows === n)!;
      const legacyTotal = l.uploadMs + l.batchMs;
      const figTotal = f.transferMs + f.totalMs;
      const ratio = legacyTotal / figTotal;
      const same = l.total === f.totalPayout;
      return `| ${fmt(n)} | ${s(l.uploadMs)} + ${s(l.batchMs)} = **${s(legacyTotal)}** | ${s(f.transferMs)} + ${s(f.totalMs)} = **${s(figTotal)}** | **${ratio.toFixed(2)}×** ${n === 100_000 ? `(≥ 3×: ${ratio >= 3 ? 'met' : 'not met'})` : ''} | ${(l.batchMs / f.runMs).toFixed(2)}× | ${l.rss.toFixed(0)} | ${same ? 'yes' : `NO (${l.total} vs ${f.totalPayout})`} |`;
    })
    .join('\n');
  const rssFlat = figRuns.length > 1 ? figRuns.at(-1)!.rssSum / figRuns[0]!.rssSum : 1;
  const reduced =
    QUICK || SIZES.join(',') !== '10000,100000,1000000'
      ? `\n**Reduced size** (shared machine): ${SIZES.map(fmt).join(', ')} rows; the full run is 10,000, 100,000 and 1,000,000 (\`npm run bench -- runs\` or \`node --import tsx bench/runs/run.ts\`).\n`
      : '';
  const md = `# Runs end to end: upload received → all results stored

\`node --import tsx bench/runs/run.ts\` (also run by \`npm run bench\`; \`--quick\` for a reduced size). The real gateway
(\`gateway/main.ts\`) and worker (\`gateway/worker.ts\`) processes, a fresh database, the legacy-equivalent plan (locked), the
real legacy service, one machine (${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average at the end ${os.loadavg()[0]!.toFixed(1)}).
${reduced}
## fig

The file goes to fig over tus (8 MiB PATCHes). **Received → stored** starts when the last PATCH is answered (file stored, hashed,
magic bytes checked) and ends when the run is \`completed\`: **parse** = scan + CSV parse + COPY into upload rows (worker job),
**map** = mapping suggestions + the suggested mapping saved (validation report from the parse-time column counts, rows not rewritten: ADR 0029; 0 problems), **run** = POST /runs
→ \`completed\` (chunks evaluated in worker threads with tapes, results COPYed, totals, snapshot hash). Peak RSS: the largest sum of
the two processes' resident sets sampled every 100 ms during the size (each process's VmHWM in brackets, reset per size where /proc allows).

| employees | file MiB | tus transfer s | parse s | map s | run s | received → stored s | target | peak RSS MiB, gateway + worker |
|---|---|---|---|---|---|---|---|---|
${figRowsMd}

Peak RSS, largest size / smallest: **${rssFlat.toFixed(2)}×** (target: flat as the file grows).

## Beside legacy (same files, same run)

Legacy: POST /api/v1/uploads (multipart; legacy parses and stores the rows) + POST /api/v1/batches (computes, stores results).
fig: tus transfer + received → stored. Both sides go from the file on the client to every result stored. "batch only" compares
legacy's batch with fig's run phase alone (rows already stored on both sides).

| employees | legacy upload + batch s | fig transfer + received → stored s | legacy / fig | batch only: legacy / fig run | legacy peak RSS in batch MiB | same total payout |
|---|---|---|---|---|---|---|
${legacyMd}

_Generated ${new Date().toISOString()}._
`;
  process.stdout.write(md);
  if (!NO_WRITE) writeFileSync(path.join(root, 'bench/results/runs.md'), md);
}

async function cleanup(): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined)),
  );
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
}

main()
  .then(cleanup, async (err) => {
    log(`failed: ${(err as Error).stack ?? err}`);
    await cleanup();
    process.exitCode = 1;
  })
  .then(() => process.exit(process.exitCode ?? 0));
