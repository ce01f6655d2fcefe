/**
 * What tracing costs the proxy: the same fast upstream (bench/proxy/upstream.ts) behind three
 * gateways in one run, `GET /api/v1/admin/revenue-bands` in mode legacy:
 *   baseline  the current tree built without telemetry: gateway/main.ts with its initTelemetry
 *             lines taken out and gateway/telemetry/{index,tracing}.ts deleted (everything else,
 *             the log destination included, exactly as HEAD)
 *   off       gateway/main.ts, OTEL_EXPORTER_OTLP_ENDPOINT unset (the SDK is never loaded)
 *   on        gateway/main.ts with OTEL_EXPORTER_OTLP_ENDPOINT set (a local sink that answers 200)
 * Rounds alternate ABBA / BAAB (baseline, off, off, baseline, then off, baseline, baseline, off), so
 * a machine that speeds up or slows down during a round weighs on both sides alike; `on` is measured
 * once per round, after the pair. Per round: the ratio off / baseline (mean of each side's two
 * measurements); the verdict uses the **median** ratio over rounds and reports the spread (min–max).
 * Target: off within 2 % of baseline.
 *
 *   npm run bench:tracing [-- --size small|full]   (npm run bench runs it too; one command, ends
 *                                                  with a `VERDICT: PASS|FAIL …` line)
 *   --size small: 2 s per measurement, 2 rounds (checks the bench works); full (default): 8 s, 6 rounds
 *   env (override the size): BENCH_DURATION (s per measurement), BENCH_CONNECTIONS (32), BENCH_ROUNDS,
 *        BENCH_NO_WRITE=1 (print only)
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '../../test/global-setup';
import { createBenchDb, waitForOk } from '../lib/setup';
import { runBench } from '../proxy/lifecycle';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sizeArg = process.argv.indexOf('--size');
const SIZE = sizeArg > 0 ? process.argv[sizeArg + 1] : 'full';
if (SIZE !== 'small' && SIZE !== 'full') throw new Error(`--size must be small or full, not ${SIZE}`);
const DURATION = Number(process.env.BENCH_DURATION ?? (SIZE === 'small' ? 2 : 8));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (SIZE === 'small' ? 2 : 6));
const PATH = '/api/v1/admin/revenue-bands';
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
const log = (msg: string) => process.stderr.write(`[bench:tracing] ${msg}\n`);
const git = (...args: string[]) => execFileSync('git', args, { cwd: root }).toString().trim();

type Who = 'baseline' | 'off' | 'on';
interface Target {
  url: string;
  pid: number;
}

/** Replace exactly one occurrence of `find` in `text`, or fail: the bench must notice main.ts changing shape. */
function replaceOnce(text: string, find: RegExp, by: string, what: string): string {
  const n = text.match(new RegExp(find.source, `${find.flags.replace('g', '')}g`))?.length ?? 0;
  if (n !== 1) throw new Error(`bench:tracing: expected one ${what} in gateway/main.ts, found ${n}; update baselineTree()`);
  return text.replace(find, by);
}

/**
 * The current tree (HEAD) in a temporary directory, built without telemetry: gateway/main.ts
 * without its initTelemetry import and call (buildApp is still imported after config, as in HEAD),
 * gateway/telemetry/index.ts and tracing.ts removed. Any other difference from `off` would be
 * measured as a tracing cost, so nothing else changes.
 */
function baselineTree(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fig-bench-baseline-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  execFileSync('bash', ['-c', `git archive HEAD gateway modules legacy-shadow migrations package.json tsconfig.json | tar -x -C "${dir}"`], { cwd: root });
  const mainTs = path.join(dir, 'gateway/main.ts');
  let main = readFileSync(mainTs, 'utf8');
  main = replaceOnce(main, /^import \{ initTelemetry \} from '\.\/telemetry';\n/m, '', 'initTelemetry import');
  main = replaceOnce(main, /^const telemetry = .*initTelemetry\(.*$/m, 'const telemetry: { shutdown(): Promise<void> } | undefined = undefined;', 'initTelemetry call');
  writeFileSync(mainTs, main);
  for (const f of ['index.ts', 'tracing.ts']) rmSync(path.join(dir, 'gateway/telemetry', f));
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

async function startPrinting(script: string): Promise<Target> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, script)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid! };
}

async function startGateway(cwd: string, env: Record<string, string>): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(cwd, 'gateway/main.ts')], {
    cwd,
    env: {
      // Saturation is the point here: load shedding (ADR 0021) would turn part of it into 503s.
      LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0',
      LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ADMIN_TOKEN: randomBytes(16).toString('hex'),
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.resume();
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/healthz`, 60_000, child);
  return { url, pid: child.pid! };
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Run {
  who: Who;
  rps: number;
  p99: number;
  bad: number;
  cpuUsPerReq: number;
}

async function measure(who: Who, t: Target): Promise<Run> {
  const before = cpuMs(t.pid);
  const r = await autocannon({ url: `${t.url}${PATH}`, connections: CONNECTIONS, duration: DURATION, pipelining: 1 });
  const cpu = cpuMs(t.pid) - before;
  const run = { who, rps: r.requests.average, p99: r.latency.p99, bad: r.errors + r.timeouts + r.non2xx, cpuUsPerReq: (cpu * 1000) / Math.max(1, r.requests.total ?? 0) };
  log(`${who}: ${Math.round(run.rps)} req/s, p99 ${run.p99} ms, ${Math.round(run.cpuUsPerReq)} µs CPU/req, bad ${run.bad}`);
  return run;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (r: number) => `${r >= 1 ? '+' : ''}${fmt((r - 1) * 100, 1)} %`;

async function main(): Promise<void> {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const upstream = await startPrinting('bench/proxy/upstream.ts');
  // Any 200 will do for the OTLP/HTTP exporter: the same minimal server takes the spans.
  const sink = await startPrinting('bench/proxy/upstream.ts');
  const db = await createBenchDb('fig_bench_tracing');
  cleanups.push(db.drop);
  const shared = { LEGACY_URL: upstream.url, DATABASE_URL: db.url, REDIS_PREFIX: `bench:${randomBytes(4).toString('hex')}:` };
  const targets: Record<Who, Target> = {
    baseline: await startGateway(baselineTree(), shared),
    off: await startGateway(root, shared),
    on: await startGateway(root, { ...shared, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url }),
  };
  for (const who of ['baseline', 'off', 'on'] as const) {
    log(`warm-up ${who}`);
    await autocannon({ url: `${targets[who].url}${PATH}`, connections: CONNECTIONS, duration: Math.min(3, DURATION) });
  }
  const rounds: Run[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order: Who[] = round % 2 === 0 ? ['baseline', 'off', 'off', 'baseline', 'on'] : ['off', 'baseline', 'baseline', 'off', 'on'];
    const runs: Run[] = [];
    for (const who of order) runs.push(await measure(who, targets[who]));
    rounds.push(runs);
  }
  const of = (runs: Run[], who: Who, f: (r: Run) => number) => avg(runs.filter((r) => r.who === who).map(f));
  const lines = [
    '# Tracing cost on the proxy path',
    '',
    `Generated by \`npm run bench:tracing -- --size ${SIZE}\` on ${new Date().toISOString()} at commit ${git('rev-parse', '--short', 'HEAD')}. Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load average at start ${load}.`,
    '',
    `Same fast upstream (bench/proxy/upstream.ts) behind three gateways of the same tree, \`GET ${PATH}\` in mode legacy (routed dispatch, request ids, traceparent, metrics, access log at info to a pipe), ` +
      `autocannon ${CONNECTIONS} connections, ${DURATION} s per measurement, ${ROUNDS} rounds alternating baseline, off, off, baseline / off, baseline, baseline, off (ABBA), then on. ` +
      '**baseline**: HEAD built without telemetry (gateway/main.ts without initTelemetry, gateway/telemetry/index.ts and tracing.ts removed); **off**: HEAD, OTEL_EXPORTER_OTLP_ENDPOINT unset; ' +
      '**on**: OTEL_EXPORTER_OTLP_ENDPOINT set (http, Fastify, undici, pg, ioredis instrumentations, batch OTLP/HTTP export to a local sink). ' +
      '"CPU µs/req" is the gateway process\'s own CPU time per request, the figure least coloured by a busy machine. ' +
      'The verdict takes the median over rounds of off / baseline; the spread is the lowest and highest round.',
    '',
    '| round | order | baseline req/s | off req/s | off / baseline | on req/s | on / baseline | baseline CPU µs/req | off CPU µs/req | off / baseline CPU | on CPU µs/req |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const onRatios: number[] = [];
  rounds.forEach((runs, i) => {
    const b = of(runs, 'baseline', (r) => r.rps);
    const off = of(runs, 'off', (r) => r.rps);
    const on = of(runs, 'on', (r) => r.rps);
    const cpu = (who: Who) => of(runs, who, (r) => r.cpuUsPerReq);
    ratios.push(off / b);
    cpuRatios.push(cpu('off') / cpu('baseline'));
    onRatios.push(on / b);
    lines.push(
      `| ${i + 1} | ${i % 2 === 0 ? 'ABBA' : 'BAAB'} | ${fmt(b)} | ${fmt(off)} | ${pct(off / b)} | ${fmt(on)} | ${pct(on / b)} | ${fmt(cpu('baseline'))} | ${fmt(cpu('off'))} | ${pct(cpu('off') / cpu('baseline'))} | ${fmt(cpu('on'))} |`,
    );
  });
  const all = rounds.flat();
  const offVsBase = median(ratios);
  const spread = `${pct(Math.min(...ratios))} … ${pct(Math.max(...ratios))}`;
  const bad = all.reduce((a, r) => a + r.bad, 0);
  const met = Math.abs(offVsBase - 1) <= 0.02;
  lines.push(
    '',
    `Tracing off vs baseline: median throughput ${pct(offVsBase)} (rounds ${spread}), median CPU per request ${pct(median(cpuRatios))} (rounds ${pct(Math.min(...cpuRatios))} … ${pct(Math.max(...cpuRatios))}) — target within 2 % (${met ? 'met' : '**not met**'}). ` +
      `Tracing on vs baseline: median throughput ${pct(median(onRatios))}, CPU per request ${pct(of(all, 'on', (r) => r.cpuUsPerReq) / of(all, 'baseline', (r) => r.cpuUsPerReq))}. ` +
      `Errors, timeouts and non-2xx over all runs: ${bad}.`,
    '',
    `VERDICT: ${met && bad === 0 ? 'PASS' : 'FAIL'} — tracing off ${pct(offVsBase)} median throughput vs the build without telemetry (rounds ${spread}; target within ±2 %), ${bad} errors; size ${SIZE}, ${ROUNDS} rounds, load average at start ${load}.`,
    '',
  );
  const md = lines.join('\n');
  process.stdout.write(`${md}\n`);
  if (process.env.BENCH_NO_WRITE !== '1') writeFileSync(path.join(root, 'bench/results/tracing.md'), md);
}

await runBench(main, { children, cleanups }, log);
