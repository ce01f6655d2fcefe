/**
 * Gateway CPU time per proxied request, A/B between source trees (e.g. a `git archive` of an older
 * commit and the working tree), measured in the same run and alternated (A B B A …) so a busy
 * machine colours both alike. Not part of `npm run bench`: a tool for finding and proving a
 * per-request cost.
 *
 *   npx tsx bench/profile/ab.ts name=dir [name=dir ...]   # a dir: that tree's gateway/main.ts
 *   npx tsx bench/profile/ab.ts bare=bench/proxy/bare.ts fig=.  # a .ts file: a server that prints its
 *                                                                # port and forwards to UPSTREAM_URL
 *   npx tsx bench/profile/ab.ts fig=. quiet=.?LOG_LEVEL=warn     # ?VAR=value&…: that gateway's environment
 *   env: AB_N (requests per measurement, 20000), AB_ROUNDS (3), AB_CONNECTIONS (32),
 *        AB_PATHS (comma-separated, default "/api/v1/admin/revenue-bands,/bench/unmatched"),
 *        AB_PROFILE=1 (each gateway under --cpu-prof, profiles in bench/profile/out/ab-<name>/, and the
 *        measurement windows in bench/profile/out/ab-windows.json, so a profile can be cut to them)
 *
 * Every tree's own `gateway/main.ts` runs in its own process, LOG_LEVEL=info to a drained pipe, in
 * front of the fast upstream (bench/proxy/upstream.ts, whose OpenAPI document has the one route key
 * GET /api/v1/admin/revenue-bands), each with a fresh database and Redis prefix. Reported: the
 * gateway process's user+system CPU (from /proc) divided by the requests, the median per tree and
 * path, and the ratio to the first tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '../../test/global-setup';
import { createBenchDb, waitForOk } from '../lib/setup';
import { runBench } from '../proxy/lifecycle';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.AB_N ?? 20_000);
const ROUNDS = Number(process.env.AB_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.AB_CONNECTIONS ?? 32);
const PATHS = (process.env.AB_PATHS ?? '/api/v1/admin/revenue-bands,/bench/unmatched').split(',');
const PROFILE = process.env.AB_PROFILE === '1';
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const log = (msg: string) => process.stderr.write(`[ab] ${msg}\n`);

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
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

/** A script that prints its port on stdout and forwards to UPSTREAM_URL (bench/proxy/bare.ts). */
async function startScript(name: string, script: string, upstream: string): Promise<{ url: string; pid: number }> {
  const args = ['--import', 'tsx'];
  if (PROFILE) {
    const out = path.join(root, 'bench/profile/out', `ab-${name}`);
    mkdirSync(out, { recursive: true });
    args.push('--cpu-prof', `--cpu-prof-dir=${out}`);
  }
  const child = spawn(process.execPath, [...args, script], { cwd: root, env: { ...process.env, UPSTREAM_URL: upstream }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid! };
}

async function startGateway(name: string, dir: string, upstream: string, extraEnv: Record<string, string>): Promise<{ url: string; pid: number }> {
  if (dir.endsWith('.ts')) return startScript(name, dir, upstream);
  const db = await createBenchDb('fig_ab');
  cleanups.push(db.drop);
  const port = await freePort();
  const args = ['--import', 'tsx'];
  if (PROFILE) {
    const out = path.join(root, 'bench/profile/out', `ab-${name}`);
    mkdirSync(out, { recursive: true });
    args.push('--cpu-prof', `--cpu-prof-dir=${out}`);
  }
  args.push(path.join(dir, 'gateway/main.ts'));
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LEGACY_URL: upstream, DATABASE_URL: db.url, REDIS_PREFIX: `ab:${randomBytes(4).toString('hex')}:`, LOG_LEVEL: 'info', ADMIN_TOKEN: randomBytes(16).toString('hex'), ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.resume();
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/healthz`, 60_000, child);
  return { url, pid: child.pid! };
}

async function drive(url: string, amount: number): Promise<void> {
  const r = await autocannon({ url, connections: CONNECTIONS, amount, pipelining: 1 });
  if (r.errors || r.non2xx) throw new Error(`${url}: ${r.errors} errors, ${r.non2xx} non-2xx`);
}

async function main(): Promise<void> {
  const trees = process.argv.slice(2).map((arg) => {
    const eq = arg.indexOf('=');
    const name = arg.slice(0, eq);
    const [dir, query] = arg.slice(eq + 1).split('?');
    if (eq < 1 || !dir) throw new Error(`expected name=dir, got ${arg}`);
    return { name, dir: path.resolve(dir), env: Object.fromEntries(new URLSearchParams(query ?? '')) };
  });
  if (trees.length === 0) throw new Error('usage: npx tsx bench/profile/ab.ts name=dir [name=dir ...]');
  const upstream = await startUpstream();
  const gateways = [];
  for (const t of trees) gateways.push({ ...t, ...(await startGateway(t.name, t.dir, upstream, t.env)) });
  const results = new Map<string, number[]>();
  const windows: { tree: string; path: string; round: number; from: number; to: number; requests: number }[] = [];
  log(`load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${N} requests × ${ROUNDS} rounds, ${CONNECTIONS} connections`);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? gateways : [...gateways].reverse();
    for (const p of PATHS) {
      for (const g of order) {
        await drive(g.url + p, Math.min(3000, N));
        const before = cpuMs(g.pid);
        const from = process.hrtime.bigint() / 1000n;
        await drive(g.url + p, N);
        const us = ((cpuMs(g.pid) - before) * 1000) / N;
        // Monotonic µs, the clock of a .cpuprofile's timestamps: profiles can be cut to the measurements.
        windows.push({ tree: g.name, path: p, round: round + 1, from: Number(from), to: Number(process.hrtime.bigint() / 1000n), requests: N });
        const key = `${g.name} ${p}`;
        results.set(key, [...(results.get(key) ?? []), us]);
        log(`round ${round + 1} ${key}: ${us.toFixed(1)} µs CPU/req`);
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  process.stdout.write(`\n| path | tree | µs CPU/req (median) | rounds | vs ${gateways[0]!.name} |\n|---|---|---:|---|---:|\n`);
  for (const p of PATHS) {
    const first = median(results.get(`${gateways[0]!.name} ${p}`)!);
    for (const g of gateways) {
      const xs = results.get(`${g.name} ${p}`)!;
      process.stdout.write(`| ${p} | ${g.name} | ${median(xs).toFixed(0)} | ${xs.map((x) => x.toFixed(0)).join(', ')} | ${(median(xs) / first).toFixed(2)} |\n`);
    }
  }
  if (PROFILE) writeFileSync(path.join(root, 'bench/profile/out/ab-windows.json'), JSON.stringify(windows));
  process.stdout.write(`\nload average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
}

await runBench(main, { children, cleanups }, log);
process.exit(process.exitCode ?? 0);
