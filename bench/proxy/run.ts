/**
 * Proxy overhead benchmark: direct vs through fig, against a minimal node:http upstream and the
 * legacy FastAPI service, in one run on 127.0.0.1 with autocannon. The gateway runs in its own
 * process (node --import tsx gateway/main.ts) so the load generator never shares its event loop.
 *
 *   npm run bench                # every benchmark (bench/run.sh)
 *   npx tsx bench/proxy/run.ts   # this one; env: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (50),
 *                                # BENCH_RATE (fixed-rate case, req/s, 2000), BENCH_LOG_LEVEL (gateway, info),
 *                                # BENCH_CPU_PROF=1 (write gateway CPU profiles to bench/results/profiles/),
 *                                # BENCH_NO_WRITE=1 (print only, do not rewrite bench/results/proxy.md)
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import { migrateToLatest } from '../../migrations/migrator';
import { freePort, startLegacy } from '../../test/global-setup';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const WARMUP = Math.min(3, DURATION);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const LEGACY_PATH = process.env.BENCH_LEGACY_PATH ?? '/api/v1/admin/revenue-bands';

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

function log(msg: string): void {
  process.stderr.write(`[bench:proxy] ${msg}\n`);
}

async function waitForOk(url: string, ms: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
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

async function createBenchDb(): Promise<string> {
  const name = `fig_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`drop database if exists "${name}" with (force)`).catch(() => undefined);
    await c.end();
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  await migrateToLatest(url.toString());
  return url.toString();
}

async function startGateway(name: string, legacyUrl: string, databaseUrl: string): Promise<string> {
  const port = await freePort();
  const args = ['--import', 'tsx'];
  if (CPU_PROF) {
    // One directory per gateway: node writes a profile per thread (main and the tsx loader).
    const dir = path.join(root, 'bench/results/profiles', name);
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
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/healthz`, 30_000, child);
  return url;
}

interface Row {
  name: string;
  via: 'direct' | 'fig';
  rate?: number;
  result: Result;
}

async function load(url: string, opts: { rate?: number; duration?: number } = {}): Promise<Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: opts.duration ?? DURATION, pipelining: 1, ...(opts.rate ? { overallRate: opts.rate } : {}) });
}

async function measure(rows: Row[], name: string, via: Row['via'], url: string, rate?: number): Promise<void> {
  log(`${name} ${via}${rate ? ` @${rate} req/s` : ''}: warm-up ${WARMUP}s, measure ${DURATION}s → ${url}`);
  await load(url, { rate, duration: WARMUP });
  const result = await load(url, { rate });
  log(`  ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${result.errors}, non2xx ${result.non2xx}`);
  rows.push({ name, via, rate, result });
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
  };
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function report(rows: Row[], m: Record<string, string>): string {
  const get = (name: string, via: Row['via']) => rows.find((r) => r.name === name && r.via === via)!.result;
  const lines: string[] = [];
  lines.push('# Proxy benchmark', '');
  lines.push(`Generated by \`npm run bench\` (bench/proxy/run.ts) on ${m.date}. Rerun: \`npm run bench\` or \`npx tsx bench/proxy/run.ts\`.`, '');
  lines.push('## Machine', '');
  lines.push(`| | |`, `|---|---|`);
  for (const [k, v] of Object.entries(m)) lines.push(`| ${k} | ${v} |`);
  lines.push(
    '',
    `Load: autocannon, ${CONNECTIONS} connections, ${DURATION} s per case after a ${WARMUP} s warm-up, HTTP/1.1 keep-alive, 127.0.0.1. ` +
      `Load generator, upstream and gateway are separate processes sharing the machine's ${m.nproc} cores. Gateway LOG_LEVEL=${LOG_LEVEL}.`,
    '',
  );
  lines.push('## Results', '');
  lines.push('| case | via | req/s | p50 ms | p99 ms | max ms | errors | non-2xx |', '|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const x = r.result;
    lines.push(`| ${r.name}${r.rate ? ` (fixed ${fmt(r.rate)} req/s)` : ''} | ${r.via} | ${fmt(x.requests.average)} | ${x.latency.p50} | ${x.latency.p99} | ${x.latency.max} | ${x.errors + x.timeouts} | ${x.non2xx} |`);
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
  lines.push(`| ≥ 10,000 proxied req/s against a fast upstream | ${fmt(fastF.requests.average)} req/s (direct: ${fmt(fastD.requests.average)}) | ${ok(fastF.requests.average >= 10_000)} |`);
  lines.push(`| p99 added ≤ 2 ms at moderate load (${fmt(RATE)} req/s) | +${fmt(addedP99, 2)} ms (p99 ${modF.latency.p99} vs ${modD.latency.p99} ms; p50 +${fmt(modF.latency.p50 - modD.latency.p50, 2)} ms) | ${ok(addedP99 <= 2)} |`);
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
  const databaseUrl = await createBenchDb();
  const figFast = await startGateway('fast', upstream, databaseUrl);
  const figLegacy = await startGateway('legacy', legacy.url, databaseUrl);
  await waitForOk(`${figLegacy}${LEGACY_PATH}`, 10_000);

  const rows: Row[] = [];
  await measure(rows, 'fast upstream', 'direct', `${upstream}/`);
  await measure(rows, 'fast upstream', 'fig', `${figFast}/`);
  await measure(rows, 'fast upstream, moderate load', 'direct', `${upstream}/`, RATE);
  await measure(rows, 'fast upstream, moderate load', 'fig', `${figFast}/`, RATE);
  await measure(rows, 'legacy FastAPI', 'direct', `${legacy.url}${LEGACY_PATH}`);
  await measure(rows, 'legacy FastAPI', 'fig', `${figLegacy}${LEGACY_PATH}`);

  const md = report(rows, m);
  process.stdout.write(`${md}\n`);
  if (process.env.BENCH_NO_WRITE !== '1') {
    writeFileSync(path.join(root, 'bench/results/proxy.md'), md);
    log('wrote bench/results/proxy.md');
  }
}

async function shutdown(): Promise<void> {
  for (const child of children) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r(undefined);
        }, 12_000);
        child.once('exit', () => {
          clearTimeout(t);
          r(undefined);
        });
      });
    }
  }
  for (const c of cleanups.reverse()) await c().catch((err: Error) => log(`cleanup: ${err.message}`));
}

try {
  await main();
} catch (err) {
  log(`failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
} finally {
  await shutdown();
}
