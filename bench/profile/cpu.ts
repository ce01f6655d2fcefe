/**
 * Gateway CPU time per request, by path through fig: a probe for profiling work, robust on a busy
 * machine (it counts the gateway process's own CPU time, not latency). Not part of `npm run bench`.
 *
 *   npx tsx bench/profile/cpu.ts [case...]
 *   env: PROBE_N (requests per measurement, 5000), PROBE_ROUNDS (3; the median is reported),
 *        PROBE_CONNECTIONS (8), PROBE_PROFILE=1 (write bench/profile/out/<case>.cpuprofile and print
 *        a self-time summary), PROBE_LOG_LEVEL (info), PROBE_UPSTREAM=legacy (proxy to the real legacy
 *        service instead of the stand-in: slower upstream, fewer requests per event-loop turn),
 *        PROBE_UPSTREAM_DELAY_MS (the stand-in answers after this long; 0)
 *
 * The gateway (bench/profile/gateway.ts, its own process) proxies to a fast in-process stand-in for
 * legacy that replays what the real legacy service answered (its OpenAPI document and
 * GET /api/v1/admin/revenue-bands, fetched once at start), so upstream speed does not colour the
 * figures and the route table, the bands module and the shadow diff see legacy's real answers.
 * The shadow work of a case (module call, diff, sample rows) is drained inside its measurement.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startLegacy } from '../../test/global-setup';
import { createBenchDb } from '../lib/setup';
import { summarise } from './summarise';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.PROBE_N ?? 5000);
const ROUNDS = Number(process.env.PROBE_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.PROBE_CONNECTIONS ?? 8);
const PROFILE = process.env.PROBE_PROFILE === '1';
const BANDS = '/api/v1/admin/revenue-bands';
const BANDS_KEY = `GET ${BANDS}`;
const TOKEN = randomBytes(16).toString('hex');
const log = (msg: string) => process.stderr.write(`[probe] ${msg}\n`);
const cleanups: (() => Promise<void>)[] = [];

interface Case {
  name: string;
  path: string;
  mode?: 'legacy' | 'shadow' | 'new';
}

async function main(): Promise<void> {
  // 1. What the real legacy answers.
  const legacy = await startLegacy();
  const useLegacy = process.env.PROBE_UPSTREAM === 'legacy';
  const openapi = Buffer.from(await (await fetch(`${legacy.url}/openapi.json`)).arrayBuffer());
  const bandsRes = await fetch(`${legacy.url}${BANDS}`);
  const bandsBody = Buffer.from(await bandsRes.arrayBuffer());
  if (useLegacy) cleanups.push(legacy.stop);
  else await legacy.stop();
  const doc = JSON.parse(openapi.toString()) as { paths: Record<string, Record<string, unknown>> };
  // A plain GET legacy route no module serves (the catch-all, labelled with its route key).
  const plain = Object.keys(doc.paths).find((p) => doc.paths[p]!.get && !p.includes('{') && p !== BANDS && p.startsWith('/api/')) ?? '/health';

  // 2. The stand-in.
  const small = Buffer.from(JSON.stringify({ status: 'ok' }));
  const delay = Number(process.env.PROBE_UPSTREAM_DELAY_MS ?? 0);
  const upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      if (delay) await new Promise((r) => setTimeout(r, delay));
      const url = (req.url ?? '/').split('?')[0];
      const body = url === '/openapi.json' ? openapi : url === BANDS ? bandsBody : small;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, server: 'uvicorn' });
      res.end(body);
    });
  });
  upstream.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => upstream.close(() => r())));
  const upstreamUrl = useLegacy ? legacy.url : `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  // 3. A fresh database.
  const db = await createBenchDb('fig_probe');
  cleanups.push(db.drop);

  // 4. The gateway.
  const gw = fork(path.join(root, 'bench/profile/gateway.ts'), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, LEGACY_URL: upstreamUrl, DATABASE_URL: db.url, REDIS_PREFIX: `probe:${randomBytes(4).toString('hex')}:`, LOG_LEVEL: process.env.PROBE_LOG_LEVEL ?? 'info', ADMIN_TOKEN: TOKEN, AUTOROLLBACK_ENABLED: 'false' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  cleanups.push(async () => {
    if (gw.exitCode === null) {
      gw.send({ cmd: 'exit' });
      await Promise.race([new Promise((r) => gw.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (gw.exitCode === null) gw.kill('SIGKILL');
    }
  });
  const ask = <T>(msg: object): Promise<T> =>
    new Promise((resolve) => {
      gw.once('message', (m) => resolve(m as T));
      if (Object.keys(msg).length) gw.send(msg);
    });
  const { port } = await ask<{ port: number }>({});
  const base = `http://127.0.0.1:${port}`;

  const setMode = async (mode: string) => {
    const res = await fetch(`${base}/_fig/routes/${encodeURIComponent(BANDS_KEY)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode, reason: `probe: ${mode}`, override: true }),
    });
    if (!res.ok) throw new Error(`flip to ${mode}: ${res.status} ${await res.text()}`);
  };
  const drive = async (url: string, amount: number) => {
    const r = await autocannon({ url, connections: CONNECTIONS, amount });
    if (r.errors || r.timeouts) throw new Error(`${url}: ${r.errors} errors, ${r.timeouts} timeouts`);
    if (r.non2xx) log(`${url}: ${r.non2xx} non-2xx answers`);
  };

  const all: Case[] = [
    { name: 'catch-all', path: '/bench/unmatched' },
    { name: 'catch-all-keyed', path: plain },
    { name: 'routed-legacy', path: BANDS, mode: 'legacy' },
    { name: 'routed-new', path: BANDS, mode: 'new' },
    { name: 'shadow', path: BANDS, mode: 'shadow' },
  ];
  const wanted = process.argv.slice(2);
  const cases = wanted.length ? all.filter((c) => wanted.includes(c.name)) : all;
  const results = new Map<string, number[]>();
  const outDir = path.join(root, 'bench/profile/out');
  if (PROFILE) mkdirSync(outDir, { recursive: true });
  log(`upstream stand-in ${upstreamUrl}, gateway ${base}, ${N} requests × ${ROUNDS} rounds, ${CONNECTIONS} connections; plain legacy route ${plain}`);

  // Background CPU with no traffic (timers, pollers): µs per second.
  await ask({ cmd: 'start' });
  await new Promise((r) => setTimeout(r, Number(process.env.PROBE_IDLE_S ?? 5) * 1000));
  const idle = await ask<{ cpuUs: number; elapsedMs: number }>({ cmd: 'stop' });
  log(`idle: ${((idle.cpuUs / idle.elapsedMs) * 1000).toFixed(0)} µs CPU per second`);

  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      if (c.mode) await setMode(c.mode);
      await drive(`${base}${c.path}`, Math.min(2000, N));
      await ask({ cmd: 'stop' }); // drain the warm-up's shadow work
      const profile = PROFILE && round === ROUNDS - 1 ? path.join(outDir, `${c.name}.cpuprofile`) : undefined;
      await ask({ cmd: 'start', profile });
      await drive(`${base}${c.path}`, N);
      const t0 = performance.now();
      const { cpuUs, systemUs } = await ask<{ cpuUs: number; systemUs: number }>({ cmd: 'stop', profile });
      const per = cpuUs / N;
      results.set(c.name, [...(results.get(c.name) ?? []), per]);
      log(`round ${round + 1} ${c.name.padEnd(16)} ${per.toFixed(1)} µs CPU/req (${((systemUs / cpuUs) * 100).toFixed(0)}% system), drain ${(performance.now() - t0).toFixed(0)} ms`);
    }
  }
  const load = (await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ');
  process.stdout.write(`\n| case | path | µs CPU/req (median of ${ROUNDS}) | rounds |\n|---|---|---:|---|\n`);
  for (const c of cases) {
    const xs = [...results.get(c.name)!].sort((a, b) => a - b);
    process.stdout.write(`| ${c.name} | ${c.mode ? `${c.path} (${c.mode})` : c.path} | ${xs[Math.floor(xs.length / 2)]!.toFixed(0)} | ${xs.map((x) => x.toFixed(0)).join(', ')} |\n`);
  }
  process.stdout.write(`\nload average at end: ${load}\n`);
  if (PROFILE) for (const c of cases) process.stdout.write(`\n${summarise(path.join(outDir, `${c.name}.cpuprofile`), 25)}\n`);
}

try {
  await main();
} catch (err) {
  log(`failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
} finally {
  for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
}
process.exit(process.exitCode ?? 0);
