/**
 * A module-served read against legacy, same run: `GET /api/v1/admin/revenue-bands` answered by the
 * real legacy FastAPI service directly vs by fig in mode `new` (the bands module reads Postgres;
 * by default SHADOW_REVERSE_SAMPLE_RATE, 1%, of the reads are replayed to legacy off the request
 * path), and with the route's `normalise.reverseSampleRate` at 1 (every read replayed).
 *
 *   npx tsx bench/proxy/module-read.ts
 *   env: BENCH_DURATION (s per measurement, 10), BENCH_CONNECTIONS (16), BENCH_ROUNDS (2 rounds of
 *        legacy, fig, fig, legacy), BENCH_NO_WRITE=1 (print only, do not rewrite bench/results/module-read.md)
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, startLegacy } from '../../test/global-setup';
import { createBenchDb, waitForOk } from '../lib/setup';
import { runBench } from './lifecycle';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PATH = '/api/v1/admin/revenue-bands';
const KEY = `GET ${PATH}`;
const TOKEN = randomBytes(16).toString('hex');
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const log = (msg: string) => process.stderr.write(`[bench:module-read] ${msg}\n`);

function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Run {
  who: 'legacy' | 'fig new' | 'fig new all';
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  cpuUsPerReq?: number;
}

async function measure(who: Run['who'], url: string, pid?: number): Promise<Run> {
  const before = cpuMs(pid);
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, pipelining: 1 });
  const cpu = cpuMs(pid) - before;
  const run: Run = { who, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, cpuUsPerReq: pid ? (cpu * 1000) / Math.max(1, r.requests.total ?? 0) : undefined };
  log(`${who}: ${Math.round(run.rps)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, errors ${run.errors}, non-2xx ${run.non2xx}`);
  return run;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const legacy = await startLegacy();
  cleanups.push(legacy.stop);
  const db = await createBenchDb('fig_bench_module');
  cleanups.push(db.drop);
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'gateway/main.ts')], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LEGACY_URL: legacy.url, DATABASE_URL: db.url, REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}:`, LOG_LEVEL: 'info', ADMIN_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.resume();
  children.push(child);
  const fig = `http://127.0.0.1:${port}`;
  await waitForOk(`${fig}/healthz`, 30_000, child);
  const flip = await fetch(`${fig}/_fig/routes/${encodeURIComponent(KEY)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'new', reason: 'module-read bench', override: true }),
  });
  if (flip.status !== 200) throw new Error(`flip to new answered ${flip.status}: ${await flip.text()}`);
  const [direct, through] = await Promise.all([fetch(`${legacy.url}${PATH}`).then((r) => r.json()), fetch(`${fig}${PATH}`).then((r) => r.json())]);
  if (JSON.stringify(direct) !== JSON.stringify(through)) throw new Error('the module does not answer what legacy answers');
  for (const url of [`${legacy.url}${PATH}`, `${fig}${PATH}`]) await autocannon({ url, connections: CONNECTIONS, duration: Math.min(3, DURATION) });
  const runs: Run[] = [];
  const settings = async (normalise: Record<string, number>) => {
    const res = await fetch(`${fig}/_fig/routes/${encodeURIComponent(KEY)}/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ normalise, reason: 'module-read bench' }),
    });
    if (res.status !== 200) throw new Error(`settings answered ${res.status}: ${await res.text()}`);
    // Every process follows a change through Redis within a second.
    await new Promise((r) => setTimeout(r, 1_000));
  };
  for (let round = 0; round < ROUNDS; round++) {
    runs.push(await measure('legacy', `${legacy.url}${PATH}`));
    await settings({});
    runs.push(await measure('fig new', `${fig}${PATH}`, child.pid));
    await settings({ reverseSampleRate: 1 });
    runs.push(await measure('fig new all', `${fig}${PATH}`, child.pid));
    runs.push(await measure('legacy', `${legacy.url}${PATH}`));
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  } catch {
    /* not a checkout */
  }
  const lines = [
    '# Module-served read vs legacy',
    '',
    `Generated by \`npx tsx bench/proxy/module-read.ts\` on ${new Date().toISOString()} at commit ${commit}. Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load average at start ${load}.`,
    '',
    `\`${KEY}\`: the real legacy FastAPI service directly vs fig (\`gateway/main.ts\`, LOG_LEVEL=info) with the route in mode \`new\` (bands module, one Postgres query). ` +
      `autocannon ${CONNECTIONS} connections, ${DURATION} s per measurement, ${ROUNDS} rounds of legacy, fig, fig, legacy. Both answer the same JSON (checked before measuring). Everything shares the machine's cores.`,
    '',
    `Per round: legacy; fig with the default reverse shadow (SHADOW_REVERSE_SAMPLE_RATE, 1% of the reads replayed to legacy off the request path); fig with the route's \`normalise.reverseSampleRate\` at 1 (every read replayed, opt-in); legacy.`,
    '',
    '| round | legacy req/s | fig new req/s (default, 1% replayed) | × legacy | fig new req/s (every read replayed) | × legacy | legacy p50 / p99 ms | fig p50 / p99 ms (default / all) | fig CPU µs/req (default / all) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const ratios: number[] = [];
  const ratiosAll: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const slice = runs.slice(round * 4, round * 4 + 4);
    const l = slice.filter((r) => r.who === 'legacy');
    const f = slice.find((r) => r.who === 'fig new')!;
    const a = slice.find((r) => r.who === 'fig new all')!;
    const lr = avg(l.map((r) => r.rps));
    ratiosAll.push(a.rps / lr);
    ratios.push(f.rps / lr);
    lines.push(
      `| ${round + 1} | ${fmt(lr)} | ${fmt(f.rps)} | ${fmt(f.rps / lr, 2)} | ${fmt(a.rps)} | ${fmt(a.rps / lr, 2)} | ${fmt(avg(l.map((r) => r.p50)), 1)} / ${fmt(avg(l.map((r) => r.p99)), 1)} | ${fmt(f.p50, 1)} / ${fmt(f.p99, 1)} · ${fmt(a.p50, 1)} / ${fmt(a.p99, 1)} | ${fmt(f.cpuUsPerReq ?? 0)} / ${fmt(a.cpuUsPerReq ?? 0)} |`,
    );
  }
  const worst = Math.min(...ratios);
  const bad = runs.reduce((a, r) => a + r.errors + r.non2xx, 0);
  lines.push(
    '',
    `Target: fig's module-served read ≥ 5× legacy's throughput in the same run — worst round ${fmt(worst, 2)}× with the default reverse shadow (${worst >= 5 ? 'met' : '**not met**'}), ` +
      `${fmt(Math.min(...ratiosAll), 2)}× with every read replayed to legacy (opt-in; that replay runs on the same cores as legacy itself here). Errors and non-2xx over all runs: ${bad}.`,
    '',
  );
  const md = lines.join('\n');
  process.stdout.write(`${md}\n`);
  if (process.env.BENCH_NO_WRITE !== '1') writeFileSync(path.join(root, 'bench/results/module-read.md'), md);
}

await runBench(main, { children, cleanups }, log);
