/**
 * `npm run reliability [-- --soak-minutes N] [-- --soak-rps N] [-- --only a,b] [-- --pg-ctl] [-- --burst-rps N --burst-seconds S]`: every scenario of
 * bench/reliability/scenarios against a real legacy service (killed and restarted for real),
 * Redis and Postgres (through a relay that is cut; with --pg-ctl the local cluster itself is
 * restarted with pg_ctlcluster — never while others share it), each ending in one PASS/FAIL line
 * with its figures. Writes bench/results/reliability.md. Exit code 1 when any scenario fails.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBenchDb } from '../lib/setup';
import { startLegacy } from '../../test/global-setup';
import { startRelay } from './lib/relay';
import { resultLine, type ScenarioResult } from './lib/result';
import type { ScenarioEnv } from './lib/gateway';
import { legacyDown } from './scenarios/legacy-down';
import { legacySlow } from './scenarios/legacy-slow';
import { postgresDown } from './scenarios/postgres-down';
import { redisDown } from './scenarios/redis-down';
import { burst } from './scenarios/burst';
import { soak } from './scenarios/soak';
import { rollingRestart } from './scenarios/rolling-restart';
import { shadowCrash } from './scenarios/shadow-crash';
import { postgresRestartRun } from './scenarios/postgres-restart-run';
import { paritySigkill } from './scenarios/parity-sigkill';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const soakMinutes = Number(arg('--soak-minutes') ?? 10);
/** Sustained mixed rate of both soaks (requests per second across all paths). */
const soakRps = Number(arg('--soak-rps') ?? 50);
const only = arg('--only')?.split(',');
const pgCtl = args.includes('--pg-ctl');
/** Steady rate of the burst scenario (the burst is 10×) and the burst's length; smaller while developing. */
const burstRps = Number(arg('--burst-rps') ?? 50);
const burstSeconds = Number(arg('--burst-seconds') ?? 10);
const REDIS_URL = 'redis://127.0.0.1:6379';
/** Every scenario this script runs, in order (names for --only and rows of the table). */
const SCENARIOS = ['legacy-down', 'legacy-slow', 'postgres-down', 'redis-down', 'postgres-restart-mid-run', 'worker-sigkill-mid-run', 'worker-sigkill-parity', 'gateway-sigterm-rolling', 'gateway-crash-shadow-queue', 'burst-10x', 'soak', 'soak-shadow'];

/** Scenarios of issue 17 verified by npm test rather than here, or not built, kept in the table with the reason. */
const NOT_RUN: [string, string][] = [
  ['backup-restore', 'run by npm test (test/reliability/backup.test.ts: pg_dump/pg_restore into a fresh database, audit chain + run results hash verified, tampered file refused); not a load scenario'],
  ['dual-write-property', 'run by npm test (test/reliability/dual-write.property.test.ts: 15 random interleavings of flips legacy/shadow/canary/new, creates racing flips and reconciliation on AP/AR customers; every difference is in reconciliation_issues)'],
  ['upload-disk-full', 'run by npm test (test/reliability/disk-full.test.ts: STORAGE_DIR on a 1 MiB tmpfs, needs root: tus 507 problem STORAGE_FULL while staging and while storing, nothing left behind; 413 on tus and legacy multipart above their limits)'],
];

/** SIGKILL: a crash, not a graceful stop (uvicorn's graceful stop waits on fig's keep-alive connections). */
async function killLegacy(legacy: Awaited<ReturnType<typeof startLegacy>>): Promise<void> {
  if (legacy.pid !== undefined) process.kill(legacy.pid, 'SIGKILL');
  await legacy.stop();
}

async function main(): Promise<void> {
  for (const name of only ?? []) {
    if (![...SCENARIOS, ...NOT_RUN.map(([n]) => n)].includes(name)) {
      process.stderr.write(`unknown scenario ${name}; one of: ${SCENARIOS.join(', ')}\n`);
      process.exit(2);
    }
  }
  const db = await createBenchDb('fig_rel');
  const legacyPort = await (await import('./lib/gateway')).freePort();
  let legacy = await startLegacy({ port: legacyPort });
  const env: ScenarioEnv = { databaseUrl: db.url, legacyUrl: legacy.url, redisUrl: REDIS_URL };
  const results: ScenarioResult[] = [];
  const run = async (name: string, fn: () => Promise<ScenarioResult>) => {
    if (only && !only.includes(name)) return;
    const started = performance.now();
    let r: ScenarioResult;
    try {
      r = await fn();
    } catch (err) {
      r = { name, pass: false, checks: [{ what: `ran to the end (${(err as Error).message})`, ok: false }], figures: {} };
    }
    r.figures = { ...r.figures, 'took s': Math.round((performance.now() - started) / 1000) };
    results.push(r);
    process.stdout.write(`${resultLine(r)}\n`);
  };
  try {
    await run('legacy-down', () =>
      legacyDown(env, { url: legacy.url, kill: () => killLegacy(legacy), start: async () => void (legacy = await startLegacy({ port: legacyPort })) }, { rps: 100, upMs: 5_000, outageMs: 10_000, connectTimeoutMs: 2_000 }),
    );
    await run('legacy-slow', () => legacySlow(env, { rps: 100, durationMs: 15_000, timeoutMs: 2_000, slowMs: 5_000, slowConcurrency: 16 }));
    await run('postgres-down', async () => {
      if (pgCtl) {
        const [ver, cluster] = ['15', 'main'];
        return postgresDown(env, { databaseUrl: db.url, stop: async () => void execFileSync('pg_ctlcluster', [ver, cluster, 'stop', '-m', 'fast']), start: async () => void execFileSync('pg_ctlcluster', [ver, cluster, 'start']) }, { rps: 50, upMs: 5_000, outageMs: 10_000 });
      }
      const relay = await startRelay(new URL(db.url).host);
      const url = new URL(db.url);
      url.host = relay.address;
      try {
        return await postgresDown(env, { databaseUrl: url.toString(), stop: () => relay.cut(), start: () => relay.restore() }, { rps: 50, upMs: 5_000, outageMs: 10_000 });
      } finally {
        await relay.close();
      }
    });
    await run('redis-down', async () => {
      const relay = await startRelay(new URL(REDIS_URL).host);
      try {
        return await redisDown(env, { redisUrl: `redis://${relay.address}`, stop: () => relay.cut(), start: () => relay.restore() }, { rps: 50, upMs: 5_000, outageMs: 30_000 });
      } finally {
        await relay.close();
      }
    });
    await run('postgres-restart-mid-run', () => postgresRestartRun(env, { rows: 20_000, fault: 'postgres', outageMs: 10_000 }));
    await run('worker-sigkill-mid-run', () => postgresRestartRun(env, { rows: 20_000, fault: 'worker' }));
    await run('worker-sigkill-parity', () => paritySigkill(env, { employees: 20_000, chunkRows: 1_000 }));
    await run('gateway-sigterm-rolling', () => rollingRestart(env, { rps: 100, slowMs: 1_500, settleMs: 5_000, drainMs: 5_000 }));
    await run('gateway-crash-shadow-queue', () => shadowCrash(env, { requests: 300 }));
    await run('burst-10x', () => burst(env, { rps: burstRps, steadyMs: 5_000, burstMs: burstSeconds * 1000 }));
    const sampleMs = Math.max(5_000, (soakMinutes * 60_000) / 30);
    await run('soak', () => soak(env, { rps: soakRps, durationMs: soakMinutes * 60_000, sampleMs, shadow: false }));
    await run('soak-shadow', () => soak(env, { rps: soakRps, durationMs: soakMinutes * 60_000, sampleMs, shadow: true }));
  } finally {
    await legacy.stop();
    await db.drop();
  }
  writeResults(results);
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}

/**
 * Write bench/results/reliability.md. A full run writes every row; a run with --only replaces the
 * rows of the scenarios it ran and keeps the others' rows from the file as they were (each row
 * says when it was measured: the header line of a merged file lists both runs).
 */
function writeResults(results: ScenarioResult[]): void {
  const out = path.resolve(import.meta.dirname, '../results/reliability.md');
  const row = (r: ScenarioResult) => {
    const figures = Object.entries(r.figures).map(([k, v]) => `${k}: ${String(v).replace(/\|/g, '/')}`).join('<br>');
    const failed = r.checks.filter((c) => !c.ok).map((c) => `FAILED: ${c.what}`);
    const when = only ? ` *(--only run ${new Date().toISOString().slice(0, 16)}Z)*` : '';
    return `| ${r.name}${when} | ${r.pass ? 'PASS' : '**FAIL**'} | ${figures} | ${[...failed, ...(r.notes ?? [])].join('<br>')} |`;
  };
  const fresh = new Map<string, string>([
    ...results.map((r): [string, string] => [r.name, row(r)]),
    ...NOT_RUN.filter(([name]) => !only || only.includes(name)).map(([name, why]): [string, string] => [name, `| ${name} | not run | | ${why} |`]),
  ]);
  const kept = new Map<string, string>();
  let previousHeader = '';
  if (only && existsSync(out)) {
    const text = readFileSync(out, 'utf8');
    previousHeader = text.split('\n').find((l) => l.startsWith('Run ') || l.startsWith('Branch ')) ?? '';
    for (const line of text.split('\n')) {
      const m = /^\| ([a-z0-9-]+)[ |]/.exec(line);
      if (m && m[1] !== 'scenario' && !fresh.has(m[1]!)) kept.set(m[1]!, line);
    }
  }
  const order = [...SCENARIOS, ...NOT_RUN.map(([n]) => n)];
  const names = [...new Set([...order, ...kept.keys(), ...fresh.keys()])].filter((n) => fresh.has(n) || kept.has(n));
  const lines = [
    '# Reliability results (`npm run reliability`)',
    '',
    `Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end${!only || only.some((n) => n.startsWith('soak')) ? `; soak ${soakMinutes} min` : ''};` +
      ` Postgres outage by ${pgCtl ? 'pg_ctlcluster stop/start' : 'a cut relay'}${only ? `; only ${only.join(', ')} (other rows kept from the previous file)` : ''}.`,
    ...(previousHeader ? ['', `Rows not rerun come from: ${previousHeader}`, ''] : []),
    'What each scenario proves: docs/reliability.md.',
    '',
    '| scenario | verdict | figures | failed checks / notes |',
    '|---|---|---|---|',
    ...names.map((n) => fresh.get(n) ?? kept.get(n)!),
    '',
  ];
  writeFileSync(out, lines.join('\n'));
  process.stdout.write(`results in ${path.relative(process.cwd(), out)}\n`);
}

await main();
