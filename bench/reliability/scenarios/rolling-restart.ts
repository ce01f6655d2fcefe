import { readFileSync } from 'node:fs';
import { freePort, sleep, spawnGateway, type ScenarioEnv } from '../lib/gateway';
import { byStatus, quantile, runLoad } from '../lib/load';
import { round, verdict, type ScenarioResult } from '../lib/result';

const PATHS = ['/api/v1/invoices', '/api/v1/admin/revenue-bands', '/api/v1/sessions', '/healthz'];

/** Pids of a process's children (Linux /proc): the gateway workers of a node:cluster primary. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function waitFor(what: string, ok: () => boolean, capMs: number): Promise<void> {
  const deadline = Date.now() + capMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await sleep(100);
  }
}

/**
 * Gateway SIGTERM under load with two processes: `GATEWAY_PROCESSES=2` (node:cluster, one port),
 * steady mixed load plus slow legacy requests always in flight; SIGHUP to the primary restarts the
 * workers one at a time (each new worker listens before an old one gets SIGTERM and drains). Every
 * client request must succeed: in-flight ones complete on the draining worker, new connections go
 * to the other, requests on kept-alive connections are served with `Connection: close`.
 */
export async function rollingRestart(env: ScenarioEnv, o: { rps: number; slowMs: number; settleMs: number; drainMs: number; clientTimeoutMs?: number; overrides?: Record<string, string> }): Promise<ScenarioResult> {
  const gw = await spawnGateway(env, await freePort(), { GATEWAY_PROCESSES: '2', GATEWAY_DRAIN_MS: String(o.drainMs), ...o.overrides });
  const primary = gw.child.pid!;
  try {
    await waitFor('two gateway workers', () => childPids(primary).length === 2, 120_000);
    const before = childPids(primary);
    const stop = new AbortController();
    const slowPath = `/api/v1/_diag/slow?ms=${o.slowMs}`;
    // About two slow requests in flight at any time, so a draining worker always has some to finish.
    const slowRps = Math.max(1, 2_000 / o.slowMs);
    const steady = runLoad({ baseUrl: gw.url, paths: PATHS, rps: o.rps, durationMs: 600_000, signal: stop.signal, clientTimeoutMs: o.clientTimeoutMs });
    const slow = runLoad({ baseUrl: gw.url, paths: [slowPath], rps: slowRps, durationMs: 600_000, signal: stop.signal, clientTimeoutMs: o.slowMs + (o.clientTimeoutMs ?? 15_000) });
    await sleep(o.settleMs);
    const t0 = performance.now();
    process.kill(primary, 'SIGHUP');
    let restartMs = NaN;
    try {
      await waitFor('both workers replaced', () => {
        const now = childPids(primary);
        return now.length === 2 && now.every((pid) => !before.includes(pid));
      }, 180_000);
      restartMs = performance.now() - t0;
      await sleep(o.settleMs);
    } finally {
      stop.abort();
    }
    const [steadyOut, slowOut] = await Promise.all([steady, slow]);
    const all = [...steadyOut, ...slowOut];
    const failed = all.filter((x) => x.status !== 200);
    const inRestart = (x: { at: number }) => x.at >= o.settleMs && x.at <= o.settleMs + restartMs;
    const during = all.filter(inRestart);
    return verdict(
      'gateway-sigterm-rolling',
      [
        ['both workers were replaced (rolling restart finished)', Number.isFinite(restartMs)],
        ['0 failed requests at the client (every answer 200, none reset or refused)', failed.length === 0],
        ['slow requests in flight across the restart all completed 200', slowOut.length > 0 && slowOut.every((x) => x.status === 200)],
        ['requests were sent while workers drained', during.length > 0],
      ],
      {
        requests: all.length,
        status: JSON.stringify(byStatus(all)),
        failed: failed.length,
        'failures seen': JSON.stringify([...new Set(failed.map((x) => x.error ?? x.code ?? String(x.status)))]),
        'first failures (s after SIGHUP, path)': JSON.stringify(failed.slice(0, 5).map((x) => [round((x.at - o.settleMs) / 1000), x.path])),
        'requests during the restart': during.length,
        'slow requests (in flight across drains)': slowOut.length,
        'restart s': round(restartMs / 1000),
        'p99 ms during the restart': round(quantile(steadyOut.filter(inRestart).map((x) => x.ms), 0.99)),
      },
    );
  } finally {
    await gw.stop();
  }
}
