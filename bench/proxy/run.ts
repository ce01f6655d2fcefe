/**
 * Proxy overhead benchmark: direct vs through fig, against a minimal node:http upstream and the
 * legacy FastAPI service, in one run on 127.0.0.1 with autocannon. The gateway runs in its own
 * process (node --import tsx gateway/main.ts) so the load generator never shares its event loop.
 *
 *   npm run bench                # every benchmark (bench/run.sh)
 *   npx tsx bench/proxy/run.ts   # this one; env: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (50),
 *                                # BENCH_RATE (fixed-rate case, req/s, 2000), BENCH_RATE_CONNECTIONS (4),
 *                                # BENCH_LEGACY_ROUNDS (ABBA rounds of the legacy case, 1), BENCH_LOG_LEVEL (gateway, info),
 *                                # BENCH_LEGACY_PATH (/api/v1/admin/revenue-bands),
 *                                # BENCH_CPU_PROF=1 (write gateway CPU profiles to bench/proxy/profiles/),
 *                                # BENCH_NO_WRITE=1 (print only, do not rewrite bench/results/proxy.md)
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { Pool } from 'undici';
import { freePort, startLegacy } from '../../test/global-setup';
import { createBenchDb, waitForOk } from '../lib/setup';
import { runBench } from './lifecycle';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
/** Connections of the fixed-rate case: autocannon sends each connection's per-second quota back to back, so few connections keep that case from turning into bursts. */
const RATE_CONNECTIONS = Number(process.env.BENCH_RATE_CONNECTIONS ?? 4);
/** The legacy case alternates direct/fig/fig/direct this many times (ABBA) to cancel drift; results are averaged. */
const LEGACY_ROUNDS = Number(process.env.BENCH_LEGACY_ROUNDS ?? 3);
const PIN = process.env.BENCH_PIN !== '0';
const WARMUP = Math.min(3, DURATION);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const LEGACY_PATH = process.env.BENCH_LEGACY_PATH ?? '/api/v1/admin/revenue-bands';

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

function log(msg: string): void {
  process.stderr.write(`[bench:proxy] ${msg}\n`);
}

async function startUpstream(): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/proxy/upstream.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`upstream exited with ${code}`)));
  });
  return `http://127.0.0.1:${port}`;
}

async function startGateway(name: string, legacyUrl: string, databaseUrl: string): Promise<string> {
  const port = await freePort();
  const args = ['--import', 'tsx'];
  if (CPU_PROF) {
    // One directory per gateway: node writes a profile per thread (main and the tsx loader).
    const dir = path.join(root, 'bench/proxy/profiles', name);
    mkdirSync(dir, { recursive: true });
    args.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  args.push(path.join(root, 'gateway/main.ts'));
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LEGACY_URL: legacyUrl,
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
      LOG_LEVEL,
      ADMIN_TOKEN: randomBytes(16).toString('hex'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  if (child.pid) gatewayPids.set(name, child.pid);
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/healthz`, 30_000, child);
  return url;
}

interface Row {
  name: string;
  via: 'direct' | 'fig';
  rate?: number;
  result: Result;
  /** Gateway CPU time (user + system) per request, in microseconds; fig rows only. */
  cpuUsPerReq?: number;
}

/** CPU time a process has used so far, in ms (from /proc; Linux only). */
function cpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

const gatewayPids = new Map<string, number>();

async function load(url: string, opts: { rate?: number; duration?: number } = {}): Promise<Result> {
  return autocannon({
    url,
    connections: opts.rate ? RATE_CONNECTIONS : CONNECTIONS,
    duration: opts.duration ?? DURATION,
    pipelining: 1,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
  });
}

async function measure(rows: Row[], name: string, via: Row['via'], url: string, opts: { rate?: number; gateway?: string; warm?: boolean } = {}): Promise<Row> {
  const { rate } = opts;
  log(`${name} ${via}${rate ? ` @${rate} req/s` : ''}: warm-up ${opts.warm === false ? 0 : WARMUP}s, measure ${DURATION}s → ${url}`);
  if (opts.warm !== false) await load(url, { rate, duration: WARMUP });
  const pid = opts.gateway ? gatewayPids.get(opts.gateway) : undefined;
  const before = cpuMs(pid);
  const result = await load(url, { rate });
  const after = cpuMs(pid);
  const cpuUsPerReq = before !== undefined && after !== undefined && result.requests.total ? ((after - before) * 1000) / result.requests.total : undefined;
  log(`  ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${result.errors}, non2xx ${result.non2xx}${cpuUsPerReq ? `, gateway ${Math.round(cpuUsPerReq)} µs CPU/req` : ''}`);
  const row = { name, via, rate, result, cpuUsPerReq };
  rows.push(row);
  return row;
}

interface Probe {
  via: 'direct' | 'fig';
  p50: number;
  p99: number;
  n: number;
}

/**
 * One request at a time over one keep-alive connection, timed with performance.now(): the
 * latency fig adds to a single request, in microseconds (autocannon only resolves whole ms).
 */
async function probe(via: Probe['via'], base: string, n = Number(process.env.BENCH_PROBE_REQUESTS ?? 3000)): Promise<Probe> {
  const pool = new Pool(base, { connections: 1 });
  const once = async () => {
    const res = await pool.request({ path: '/', method: 'GET' });
    await res.body.arrayBuffer();
  };
  for (let i = 0; i < 300; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await once();
    times.push((performance.now() - t0) * 1000);
  }
  await pool.close();
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  const result = { via, p50: at(0.5), p99: at(0.99), n };
  log(`probe ${via}: p50 ${Math.round(result.p50)} µs, p99 ${Math.round(result.p99)} µs over ${n} sequential requests`);
  return result;
}

/** Average several runs of one case into one row (req/s and latencies averaged; errors summed). */
function mergeRows(name: string, via: Row['via'], runs: Row[]): Row {
  const avg = (f: (r: Result) => number) => runs.reduce((a, r) => a + f(r.result), 0) / runs.length;
  const sum = (f: (r: Result) => number) => runs.reduce((a, r) => a + f(r.result), 0);
  const first = runs[0]!.result;
  const result = {
    ...first,
    requests: { ...first.requests, average: avg((r) => r.requests.average), total: sum((r) => r.requests.total ?? 0) },
    latency: { ...first.latency, p50: avg((r) => r.latency.p50), p99: avg((r) => r.latency.p99), max: Math.max(...runs.map((r) => r.result.latency.max)) },
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
  } as Result;
  const cpus = runs.map((r) => r.cpuUsPerReq).filter((c): c is number => c !== undefined);
  return { name, via, result, cpuUsPerReq: cpus.length ? cpus.reduce((a, c) => a + c, 0) / cpus.length : undefined };
}

function machine(): Record<string, string> {
  const pyVersion = (() => {
    try {
      return execFileSync('/usr/bin/python3', ['--version']).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  } catch {
    /* not a git checkout */
  }
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    nproc: execFileSync('nproc').toString().trim(),
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    python: pyVersion,
    commit,
    'load average at start': os.loadavg().map((l) => l.toFixed(2)).join(' '),
    autocannon: JSON.parse(readFileSync(path.join(root, 'node_modules/autocannon/package.json'), 'utf8')).version as string,
  };
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function report(rows: Row[], probes: Probe[], m: Record<string, string>): string {
  const get = (name: string, via: Row['via']) => rows.find((r) => r.name === name && r.via === via)!.result;
  const lines: string[] = [];
  lines.push('# Proxy benchmark', '');
  lines.push(`Generated by \`npm run bench\` (bench/proxy/run.ts) on ${m.date}. Rerun: \`npm run bench\` or \`npx tsx bench/proxy/run.ts\`.`, '');
  const load1 = Number(m['load average at start']!.split(' ')[0]);
  if (load1 > Number(m.nproc) / 2) {
    lines.push(
      `> **Busy machine:** the 1-minute load average was ${load1} on ${m.nproc} cores when this run started (other jobs were running), ` +
        'so throughput and tail latencies below mostly measure CPU contention, not fig. "gateway CPU µs/req" is the figure least affected. Rerun on a quiet machine.',
      '',
    );
  }
  lines.push('## Machine', '');
  lines.push(`| | |`, `|---|---|`);
  for (const [k, v] of Object.entries(m)) lines.push(`| ${k} | ${v} |`);
  lines.push(
    '',
    `Load: autocannon, ${CONNECTIONS} connections, ${DURATION} s per case after a ${WARMUP} s warm-up, HTTP/1.1 keep-alive, 127.0.0.1. ` +
      `Load generator, upstream and gateway are separate processes sharing the machine's ${m.nproc} cores. Gateway LOG_LEVEL=${LOG_LEVEL}. ` +
      `The fixed-rate case uses ${RATE_CONNECTIONS} connections (autocannon sends each connection's per-second quota back to back, so many connections would make it bursts). ` +
      `The legacy case is ${LEGACY_ROUNDS} round(s) of direct, fig, fig, direct, averaged. ` +
      '"CPU µs/req" is the gateway process\'s user+system CPU time divided by the requests it proxied: 1,000,000 / that is what one dedicated core sustains.' +
      (CPU_PROF ? ' This run had BENCH_CPU_PROF=1: the gateways ran under the CPU profiler, which costs them a few percent.' : ''),
    '',
  );
  lines.push('## Results', '');
  lines.push('| case | via | req/s | p50 ms | p99 ms | max ms | errors | non-2xx | gateway CPU µs/req |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const x = r.result;
    lines.push(
      `| ${r.name}${r.rate ? ` (fixed ${fmt(r.rate)} req/s)` : ''} | ${r.via} | ${fmt(x.requests.average)} | ${fmt(x.latency.p50, 1)} | ${fmt(x.latency.p99, 1)} | ${x.latency.max} | ${x.errors + x.timeouts} | ${x.non2xx} | ${r.cpuUsPerReq ? fmt(r.cpuUsPerReq) : ''} |`,
    );
  }
  const fastD = get('fast upstream', 'direct');
  const fastF = get('fast upstream', 'fig');
  const legD = get('legacy FastAPI', 'direct');
  const legF = get('legacy FastAPI', 'fig');
  const modD = get('fast upstream, moderate load', 'direct');
  const modF = get('fast upstream, moderate load', 'fig');
  const legRatio = legF.requests.average / legD.requests.average;
  const addedP99 = modF.latency.p99 - modD.latency.p99;
  const ok = (b: boolean) => (b ? 'met' : '**not met**');
  lines.push('', '## Targets', '');
  lines.push('| target | measured | |', '|---|---|---|');
  lines.push(`| through fig ≥ 95% of direct legacy throughput | ${fmt(legRatio * 100, 1)}% (${fmt(legF.requests.average)} vs ${fmt(legD.requests.average)} req/s) | ${ok(legRatio >= 0.95)} |`);
  const fastRow = rows.find((r) => r.name === 'fast upstream' && r.via === 'fig')!;
  const perCore = fastRow.cpuUsPerReq ? 1_000_000 / fastRow.cpuUsPerReq : undefined;
  lines.push(
    `| ≥ 10,000 proxied req/s on one core against a fast upstream | ${fmt(fastF.requests.average)} req/s measured on the shared machine (direct: ${fmt(fastD.requests.average)}); ` +
      `${perCore ? `${fmt(perCore)} req/s per dedicated core from ${fmt(fastRow.cpuUsPerReq!)} µs CPU/req` : 'CPU per request not measured'} | ${ok(fastF.requests.average >= 10_000 || (perCore ?? 0) >= 10_000)}${fastF.requests.average >= 10_000 ? '' : ' (per core)'} |`,
  );
  lines.push(`| p99 added ≤ 2 ms at moderate load (${fmt(RATE)} req/s) | ${addedP99 >= 0 ? '+' : ''}${fmt(addedP99, 2)} ms (p99 ${modF.latency.p99} vs ${modD.latency.p99} ms; p50 +${fmt(modF.latency.p50 - modD.latency.p50, 2)} ms) | ${ok(addedP99 <= 2)} |`);
  const pd = probes.find((p) => p.via === 'direct');
  const pf = probes.find((p) => p.via === 'fig');
  if (pd && pf) {
    const added = (pf.p99 - pd.p99) / 1000;
    lines.push(`| p99 added ≤ 2 ms, one request at a time (${fmt(pf.n)} sequential requests, µs timer) | ${added >= 0 ? '+' : ''}${fmt(added, 3)} ms (p99 ${fmt(pf.p99 / 1000, 3)} vs ${fmt(pd.p99 / 1000, 3)} ms; p50 +${fmt((pf.p50 - pd.p50) / 1000, 3)} ms) | ${ok(added <= 2)} |`);
  }
  lines.push(
    '',
    `Fast upstream at full load: fig gives ${fmt((fastF.requests.average / fastD.requests.average) * 100, 1)}% of direct throughput, ` +
      `adding ${fmt(fastF.latency.p50 - fastD.latency.p50, 2)} ms at p50 and ${fmt(fastF.latency.p99 - fastD.latency.p99, 2)} ms at p99 ` +
      '(saturated: these latencies are mostly queueing, see the fixed-rate case for the per-request cost). autocannon records latency in whole milliseconds.',
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const m = machine();
  log(`${m.cpu}, ${m.nproc} cores, node ${m.node}`);
  const upstream = await startUpstream();
  const legacy = await startLegacy();
  cleanups.push(() => legacy.stop());
  const db = await createBenchDb('fig_bench');
  cleanups.push(db.drop);
  const databaseUrl = db.url;
  const figFast = await startGateway('fast', upstream, databaseUrl);
  const figLegacy = await startGateway('legacy', legacy.url, databaseUrl);
  await waitForOk(`${figLegacy}${LEGACY_PATH}`, 10_000);

  const rows: Row[] = [];
  await measure(rows, 'fast upstream', 'direct', `${upstream}/`);
  await measure(rows, 'fast upstream', 'fig', `${figFast}/`, { gateway: 'fast' });
  await measure(rows, 'fast upstream, moderate load', 'direct', `${upstream}/`, { rate: RATE });
  await measure(rows, 'fast upstream, moderate load', 'fig', `${figFast}/`, { rate: RATE, gateway: 'fast' });
  const legacyRuns: Row[] = [];
  // On a small machine the load generator, the gateway and Python share the cores; a gateway that
  // steals CPU from legacy would measure the machine, not fig. So legacy gets its own core and the
  // load generator and gateway share the rest, as they would on separate hosts (BENCH_PIN=0: off).
  const pinned = PIN && Number(m.nproc) >= 2 && legacy.pid !== undefined;
  if (pinned) {
    const last = Number(m.nproc) - 1;
    const rest = last === 1 ? '0' : `0-${last - 1}`;
    execFileSync('taskset', ['-a', '-pc', String(last), String(legacy.pid)], { stdio: 'ignore' });
    for (const pid of [process.pid, gatewayPids.get('legacy')]) {
      if (pid) execFileSync('taskset', ['-a', '-pc', rest, String(pid)], { stdio: 'ignore' });
    }
    m.pinning = `legacy FastAPI on CPU ${last}; load generator and gateway on CPU ${rest}`;
  }
  const legacyDirect = `${legacy.url}${LEGACY_PATH}`;
  const legacyFig = `${figLegacy}${LEGACY_PATH}`;
  for (let round = 0; round < LEGACY_ROUNDS; round++) {
    const warm = round === 0;
    await measure(legacyRuns, 'legacy FastAPI', 'direct', legacyDirect, { warm });
    await measure(legacyRuns, 'legacy FastAPI', 'fig', legacyFig, { gateway: 'legacy', warm });
    await measure(legacyRuns, 'legacy FastAPI', 'fig', legacyFig, { gateway: 'legacy', warm: false });
    await measure(legacyRuns, 'legacy FastAPI', 'direct', legacyDirect, { warm: false });
  }
  if (pinned) execFileSync('taskset', ['-a', '-pc', `0-${Number(m.nproc) - 1}`, String(process.pid)], { stdio: 'ignore' });
  rows.push(mergeRows('legacy FastAPI', 'direct', legacyRuns.filter((r) => r.via === 'direct')));
  rows.push(mergeRows('legacy FastAPI', 'fig', legacyRuns.filter((r) => r.via === 'fig')));

  const probes = [await probe('direct', upstream), await probe('fig', figFast)];
  const md = report(rows, probes, m);
  process.stdout.write(`${md}\n`);
  if (process.env.BENCH_NO_WRITE !== '1') {
    writeFileSync(path.join(root, 'bench/results/proxy.md'), md);
    log('wrote bench/results/proxy.md');
  }
}

await runBench(main, { children, cleanups }, log);
