/**
 * Shadow overhead benchmark: one GET route through one gateway process, in mode `legacy` and in
 * mode `shadow` (legacy answers, the module runs off the request path and is diffed), in the same
 * run, alternating legacy/shadow/shadow/legacy (ABBA) to cancel drift. Writes bench/results/shadow.md.
 *
 *   npx tsx bench/shadow/run.ts   env: BENCH_DURATION (s per phase, default 15), BENCH_RATE (req/s of the
 *                                 paced steady phases, 100: below legacy capacity), BENCH_CONNECTIONS (saturating phases, 20),
 *                                 BENCH_NO_WRITE=1 (print only)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { Pool } from 'undici';
import { freePort, startLegacy } from '../../test/global-setup';
import { createBenchDb, waitForOk } from '../lib/setup';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const KEY = 'GET /api/v1/admin/revenue-bands';
const PATH = '/api/v1/admin/revenue-bands';
const TOKEN = randomBytes(16).toString('hex');

const log = (msg: string) => process.stderr.write(`[bench:shadow] ${msg}\n`);
const cleanups: (() => Promise<void>)[] = [];
const children: ChildProcess[] = [];

async function api(base: string, method: string, url: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

interface Phase {
  mode: 'legacy' | 'shadow';
  kind: 'rate' | 'max';
  result: Result;
}

/** Requests at a fixed rate (open loop, keep-alive), each timed with hrtime; autocannon's Result shape. */
async function paced(url: string, rate: number, seconds: number): Promise<Result> {
  const pool = new Pool(new URL(url).origin, { connections: 8 });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      (async () => {
        const t0 = process.hrtime.bigint();
        try {
          const res = await pool.request({ path: new URL(url).pathname, method: 'GET' });
          await res.body.arrayBuffer();
          if (res.statusCode < 200 || res.statusCode > 299) non2xx++;
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        } catch {
          errors++;
        }
      })(),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { latency: { p50: q(0.5), p99: q(0.99) }, requests: { average: latencies.length / elapsed }, non2xx, errors } as unknown as Result;
}

async function main(): Promise<void> {
  const legacy = await startLegacy();
  cleanups.push(legacy.stop);
  const db = await createBenchDb('fig_bench_shadow');
  cleanups.push(db.drop);
  const databaseUrl = db.url;
  const port = await freePort();
  const gw = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'gateway/main.ts')], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LEGACY_URL: legacy.url, DATABASE_URL: databaseUrl, REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}:`, LOG_LEVEL: 'warn', ADMIN_TOKEN: TOKEN, AUTOROLLBACK_ENABLED: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(gw);
  const base = `http://127.0.0.1:${port}`;
  await waitForOk(`${base}/healthz`, 30_000);
  await waitForOk(`${base}${PATH}`, 10_000);
  const enc = encodeURIComponent(KEY);

  const run = async (mode: 'legacy' | 'shadow', kind: 'rate' | 'max'): Promise<Phase> => {
    await api(base, 'PUT', `/_fig/routes/${enc}`, { mode, reason: `bench: ${mode}` });
    await autocannon({ url: `${base}${PATH}`, connections: 4, duration: 2 }); // warm-up
    // The steady-rate phase is paced open-loop with a microsecond timer: autocannon reports whole
    // milliseconds, too coarse for a 5% bound on a p99 of a few ms.
    const result = kind === 'rate' ? await paced(`${base}${PATH}`, RATE, DURATION) : await autocannon({ url: `${base}${PATH}`, connections: CONNECTIONS, duration: DURATION });
    log(`${mode.padEnd(6)} ${kind}: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${Math.round(result.requests.average)} req/s, non2xx ${result.non2xx}, errors ${result.errors}`);
    return { mode, kind, result };
  };

  const phases: Phase[] = [];
  for (const kind of ['rate', 'max'] as const) {
    for (const mode of ['legacy', 'shadow', 'shadow', 'legacy'] as const) phases.push(await run(mode, kind));
  }
  await new Promise((r) => setTimeout(r, 1500)); // let the queue drain and samples flush
  const stats = (await api(base, 'GET', `/_fig/routes/${enc}/shadow?window=1h`)) as { totals: Record<string, unknown> & { legacy: { p99Ms: number }; new: { p99Ms: number } } };

  const avg = (mode: string, kind: string, pick: (r: Result) => number) => {
    const xs = phases.filter((p) => p.mode === mode && p.kind === kind).map((p) => pick(p.result));
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const row = (kind: 'rate' | 'max', label: string) => {
    const l99 = avg('legacy', kind, (r) => r.latency.p99);
    const s99 = avg('shadow', kind, (r) => r.latency.p99);
    const l50 = avg('legacy', kind, (r) => r.latency.p50);
    const s50 = avg('shadow', kind, (r) => r.latency.p50);
    const lr = avg('legacy', kind, (r) => r.requests.average);
    const sr = avg('shadow', kind, (r) => r.requests.average);
    const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%`;
    return { text: `| ${label} | ${l50.toFixed(2)} / ${s50.toFixed(2)} | ${l99.toFixed(2)} / ${s99.toFixed(2)} | ${pct(l99, s99)} | ${Math.round(lr)} / ${Math.round(sr)} | ${pct(lr, sr)} |`, p99Delta: (s99 - l99) / l99 };
  };
  const fixed = row('rate', `steady ${RATE} req/s (paced)`);
  const max = row('max', `max, ${CONNECTIONS} conns`);
  const t = stats.totals;
  const md = `# Shadow mode overhead

\`npx tsx bench/shadow/run.ts\` (also run by \`npm run bench\`). One gateway process (\`gateway/main.ts\`), the real
legacy service, Postgres and Redis on one machine (${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()}), autocannon on
\`${KEY}\`. Phases alternate legacy / shadow / shadow / legacy (ABBA), ${DURATION} s each after a 2 s warm-up; values
are averages of the two phases per mode. In \`shadow\` the bands module answers every request too (off the request
path, through the bounded queue: SHADOW_CONCURRENCY default 1, samples start between primaries (ADR 0024), SHADOW_QUEUE_MAX 1000) and both bodies are diffed and recorded.

| load | p50 ms legacy / shadow | p99 ms legacy / shadow | p99 Δ | req/s legacy / shadow | req/s Δ |
|---|---|---|---|---|---|
${fixed.text}
${max.text}

The steady-rate row is paced open-loop (${RATE} req/s, ${Math.round(RATE * DURATION)} requests per phase, 8 keep-alive connections) and timed in microseconds;
the saturating row is autocannon (whole milliseconds).

Target: shadow adds < 5% to the primary p99 at a steady rate — **${fixed.p99Delta < 0.05 ? 'met' : 'not met'}** (${(fixed.p99Delta * 100).toFixed(1)}%).
At saturation the shadow side competes for the same CPU (it does real work: a module call, a JSON diff, a
Postgres write per sample batch), so throughput there is the honest cost of shadowing every request;
\`normalise.sampleRate\` (per route) shadows a fraction instead.

Shadow samples recorded during the run (window 1 h): ${t.samples} compared (${t.matches} match, ${t.mismatches} mismatch,
${t.errors} error), ${t.skipped} skipped ${JSON.stringify(t.skippedByReason)}; shadow-side p99: legacy ${t.legacy.p99Ms} ms, module ${t.new.p99Ms} ms.

_Generated ${new Date().toISOString()}._
`;
  process.stdout.write(md);
  if (process.env.BENCH_NO_WRITE !== '1') writeFileSync(path.join(root, 'bench/results/shadow.md'), md);
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
