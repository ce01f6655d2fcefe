/**
 * fig against the barest @fastify/reply-from forwarder (bench/proxy/bare.ts), both in front of the
 * same fast upstream (bench/proxy/upstream.ts) in the same run: throughput ratio and p99 delta of
 * fig's routed legacy-mode path with everything on (route table, mode dispatch, request ids,
 * traceparent, metrics, route stats, one access log line per request at LOG_LEVEL=info).
 *
 *   npx tsx bench/proxy/versus-bare.ts
 *   env: BENCH_DURATION (s per measurement, 10), BENCH_CONNECTIONS (32), BENCH_ROUNDS (3 rounds of
 *        bare, fig, fig, bare), BENCH_CPU_PROF=1 (fig under --cpu-prof, bench/proxy/profiles/versus-bare/),
 *        BENCH_NO_WRITE=1 (print only, do not rewrite bench/results/proxy-vs-bare.md)
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { freePort } from '../../test/global-setup';
import { createBenchDb, waitForOk } from '../lib/setup';
import { runBench } from './lifecycle';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const PATH = '/api/v1/admin/revenue-bands';
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const log = (msg: string) => process.stderr.write(`[bench:versus-bare] ${msg}\n`);

/** Start a node script that prints its port on stdout; returns its base URL. */
async function startPrinting(script: string, env: Record<string, string>): Promise<{ url: string; pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, script)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid! };
}

async function startFig(upstream: string, databaseUrl: string): Promise<{ url: string; pid: number }> {
  const port = await freePort();
  const args = ['--import', 'tsx'];
  if (CPU_PROF) {
    const dir = path.join(root, 'bench/proxy/profiles/versus-bare');
    mkdirSync(dir, { recursive: true });
    args.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  args.push(path.join(root, 'gateway/main.ts'));
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LEGACY_URL: upstream, DATABASE_URL: databaseUrl, REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}:`, LOG_LEVEL: 'info', ADMIN_TOKEN: randomBytes(16).toString('hex') },
    // The access log goes to a pipe drained here, as it would go to a log shipper.
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.resume();
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  // A loaded machine can take well over 30 s to start the gateway under tsx.
  await waitForOk(`${url}/healthz`, 90_000, child);
  return { url, pid: child.pid! };
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Run {
  who: 'bare' | 'fig';
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  cpuUsPerReq: number;
}

async function measure(who: Run['who'], url: string, pid: number): Promise<Run> {
  const before = cpuMs(pid);
  const r: Result = await autocannon({ url: `${url}${PATH}`, connections: CONNECTIONS, duration: DURATION, pipelining: 1 });
  const cpu = cpuMs(pid) - before;
  const run = { who, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, cpuUsPerReq: (cpu * 1000) / Math.max(1, r.requests.total ?? 0) };
  log(`${who}: ${Math.round(run.rps)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, ${Math.round(run.cpuUsPerReq)} µs CPU/req, errors ${run.errors}, non-2xx ${run.non2xx}`);
  return run;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const upstream = await startPrinting('bench/proxy/upstream.ts', {});
  const bare = await startPrinting('bench/proxy/bare.ts', { UPSTREAM_URL: upstream.url });
  const db = await createBenchDb('fig_bench_bare');
  cleanups.push(db.drop);
  const fig = await startFig(upstream.url, db.url);
  // Warm both (JIT, pools) before measuring.
  for (const [who, t] of [['bare', bare], ['fig', fig]] as const) {
    log(`warm-up ${who}`);
    await autocannon({ url: `${t.url}${PATH}`, connections: CONNECTIONS, duration: Math.min(3, DURATION) });
  }
  const runs: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    runs.push(await measure('bare', bare.url, bare.pid));
    runs.push(await measure('fig', fig.url, fig.pid));
    runs.push(await measure('fig', fig.url, fig.pid));
    runs.push(await measure('bare', bare.url, bare.pid));
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  } catch {
    /* not a checkout */
  }
  const pairs: { ratio: number; dp99: number; bare: Run[]; fig: Run[] }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const slice = runs.slice(round * 4, round * 4 + 4);
    const b = slice.filter((r) => r.who === 'bare');
    const f = slice.filter((r) => r.who === 'fig');
    pairs.push({ ratio: avg(f.map((r) => r.rps)) / avg(b.map((r) => r.rps)), dp99: avg(f.map((r) => r.p99)) - avg(b.map((r) => r.p99)), bare: b, fig: f });
  }
  const lines = [
    '# fig vs a bare @fastify/reply-from forwarder',
    '',
    `Generated by \`npx tsx bench/proxy/versus-bare.ts\` on ${new Date().toISOString()} at commit ${commit}. Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load average at start ${load}.`,
    '',
    `Same fast upstream (bench/proxy/upstream.ts) behind both, autocannon ${CONNECTIONS} connections, ${DURATION} s per measurement, ${ROUNDS} rounds of bare, fig, fig, bare (ABBA). ` +
      `fig: \`gateway/main.ts\` (forwarding through its own undici dispatch handler, ADR 0023), route table imported from the upstream's OpenAPI document, \`GET ${PATH}\` in mode legacy through the routed dispatch (the bands module serves the key), ` +
      'request ids, traceparent, Prometheus metrics, route stats and one access log line per request (LOG_LEVEL=info, to a pipe). Bare: Fastify without a logger + reply-from catch-all. ' +
      'Load generator, upstream, bare and fig share the machine\'s cores; "CPU µs/req" is the server process\'s own CPU time per request, the figure least coloured by a busy machine.',
    '',
    '| round | bare req/s | fig req/s | fig / bare | bare p99 ms | fig p99 ms | p99 delta ms | bare CPU µs/req | fig CPU µs/req |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  pairs.forEach((p, i) => {
    lines.push(
      `| ${i + 1} | ${fmt(avg(p.bare.map((r) => r.rps)))} | ${fmt(avg(p.fig.map((r) => r.rps)))} | ${fmt(p.ratio, 2)} | ${fmt(avg(p.bare.map((r) => r.p99)), 1)} | ${fmt(avg(p.fig.map((r) => r.p99)), 1)} | ${p.dp99 >= 0 ? '+' : ''}${fmt(p.dp99, 1)} | ${fmt(avg(p.bare.map((r) => r.cpuUsPerReq)))} | ${fmt(avg(p.fig.map((r) => r.cpuUsPerReq)))} |`,
    );
  });
  const errors = runs.reduce((a, r) => a + r.errors + r.non2xx, 0);
  const minRatio = Math.min(...pairs.map((p) => p.ratio));
  const cpuRatio = avg(runs.filter((r) => r.who === 'fig').map((r) => r.cpuUsPerReq)) / avg(runs.filter((r) => r.who === 'bare').map((r) => r.cpuUsPerReq));
  const maxDp99 = Math.max(...pairs.map((p) => p.dp99));
  lines.push(
    '',
    `Targets: fig ≥ 0.90 of bare throughput in every round — worst round ${fmt(minRatio, 2)} (${minRatio >= 0.9 ? 'met' : '**not met**'}); ` +
      `p99 ≤ bare + 1 ms in every round — worst round ${maxDp99 >= 0 ? '+' : ''}${fmt(maxDp99, 1)} ms (${maxDp99 <= 1 ? 'met' : '**not met**'}). Errors and non-2xx over all runs: ${errors}. autocannon resolves latency to whole ms. ` +
      `CPU per request, fig / bare over all runs: ${fmt(cpuRatio, 2)} (the figure a busy machine colours least; ${cpuRatio <= 1 / 0.9 ? 'within' : 'outside'} the 1/0.90 a CPU-bound 0.90 throughput ratio allows).`,
    '',
  );
  const md = lines.join('\n');
  process.stdout.write(`${md}\n`);
  if (process.env.BENCH_NO_WRITE !== '1') writeFileSync(path.join(root, 'bench/results/proxy-vs-bare.md'), md);
}

await runBench(main, { children, cleanups }, log);
