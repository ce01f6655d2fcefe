import { readdirSync, readlinkSync } from 'node:fs';
import { request } from 'undici';
import { ADMIN_TOKEN, freePort, promSample, spawnGateway, type ScenarioEnv } from '../lib/gateway';
import { byStatus, quantile, runLoad, slope, type Outcome } from '../lib/load';
import { round, verdict, type ScenarioResult } from '../lib/result';

/** Legacy routes (proxied), a module route (revenue bands, mode new), the shadowed family's read, fig's own. */
const PATHS = ['/api/v1/invoices', '/api/v1/admin/revenue-bands', '/api/v1/sessions', '/healthz'];
const SHADOWED = 'GET /api/v1/sessions';
const MODULE_ROUTE = 'GET /api/v1/admin/revenue-bands';

/** Open sockets of a process (Linux /proc): client and upstream connections (legacy, Postgres, Redis). */
function socketCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
      } catch {
        return false;
      }
    }).length;
  } catch {
    return NaN;
  }
}

async function flip(url: string, key: string, mode: string, reason: string): Promise<void> {
  const res = await request(`${url}/_fig/routes/${encodeURIComponent(key)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ mode, reason, override: true }),
  });
  const body = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`flip ${key} to ${mode}: ${res.statusCode} ${body}`);
}

/**
 * A sustained mixed rate (legacy routes, a route in shadow mode, fig's own) against a gateway in its
 * own process for `durationMs`: latency percentiles, error rate 0, and the slopes of RSS and
 * event-loop lag and the growth of open file descriptors, sampled from /metrics.
 */
export async function soak(env: ScenarioEnv, o: { rps: number; durationMs: number; sampleMs: number; shadow?: boolean; name?: string; overrides?: Record<string, string> }): Promise<ScenarioResult> {
  const shadow = o.shadow ?? true;
  const gw = await spawnGateway(env, await freePort(), o.overrides ?? {});
  const samples: { t: number; rss: number; lag: number; fds: number; sockets: number }[] = [];
  try {
    await flip(gw.url, MODULE_ROUTE, 'new', 'reliability soak: a module route');
    await flip(gw.url, SHADOWED, shadow ? 'shadow' : 'legacy', `reliability soak: shadow ${shadow ? 'on' : 'off'} for the sessions family`);
    const t0 = performance.now();
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const res = await request(`${gw.url}/metrics`);
        const text = await res.body.text();
        samples.push({
          t: (performance.now() - t0) / 60_000,
          rss: promSample(text, 'fig_process_process_resident_memory_bytes') / 1048576,
          lag: promSample(text, 'fig_process_nodejs_eventloop_lag_p99_seconds') * 1000,
          fds: promSample(text, 'fig_process_process_open_fds'),
          sockets: socketCount(gw.child.pid!),
        });
        await new Promise((r) => setTimeout(r, o.sampleMs));
      }
    })();
    const outcomes: Outcome[] = await runLoad({ baseUrl: gw.url, paths: PATHS, rps: o.rps, durationMs: o.durationMs });
    done = true;
    await sampler;
    const errors = outcomes.filter((x) => x.status !== 200);
    const ms = outcomes.map((x) => x.ms);
    // The first sample is before warm-up (JIT, pools filling); growth is judged from the second.
    const steady = samples.slice(1);
    const rssSlope = slope(steady.map((s) => [s.t, s.rss]));
    const lagSlope = slope(steady.map((s) => [s.t, s.lag]));
    const fdGrowth = steady.length ? steady[steady.length - 1]!.fds - steady[0]!.fds : 0;
    const socketGrowth = steady.length ? steady[steady.length - 1]!.sockets - steady[0]!.sockets : 0;
    const socketSlope = slope(steady.map((s) => [s.t, s.sockets]));
    // A run of a minute or two is dominated by warm-up (JIT, caches, pools): slopes are judged on 5+ minutes only.
    const long = o.durationMs >= 5 * 60_000;
    return verdict(
      o.name ?? (shadow ? 'soak-shadow' : 'soak'),
      [
        [`error rate 0 (every request 200; shadow ${shadow ? 'on' : 'off'} for the sessions family)`, errors.length === 0],
        ['at least three /metrics samples', samples.length >= 3],
        ['open file descriptors do not grow (≤ 10 over the run)', fdGrowth <= 10],
        ['open sockets (client + upstream connections) do not grow (≤ 10 over the run)', socketGrowth <= 10],
        [long ? 'RSS slope under 10 MiB/min' : 'RSS slope (not judged under 5 minutes)', !long || rssSlope < 10],
        [long ? 'event-loop lag p99 slope under 1 ms/min' : 'loop lag slope (not judged under 5 minutes)', !long || lagSlope < 1],
      ],
      {
        minutes: round(o.durationMs / 60_000, 2),
        shadow: shadow ? 'on (GET /api/v1/sessions)' : 'off',
        rps: o.rps,
        requests: outcomes.length,
        status: JSON.stringify(byStatus(outcomes)),
        'p50 ms': round(quantile(ms, 0.5)),
        'p95 ms': round(quantile(ms, 0.95)),
        'p99 ms': round(quantile(ms, 0.99)),
        'RSS MiB start→end': `${round(steady[0]?.rss ?? NaN)}→${round(samples[samples.length - 1]?.rss ?? NaN)}`,
        'RSS slope MiB/min': round(rssSlope, 2),
        'loop lag p99 slope ms/min': round(lagSlope, 2),
        'fd growth': fdGrowth,
        'sockets start→end': `${steady[0]?.sockets ?? NaN}→${samples[samples.length - 1]?.sockets ?? NaN}`,
        'socket growth': socketGrowth,
        'socket slope /min': round(socketSlope, 2),
        'error rate %': round((100 * errors.length) / Math.max(1, outcomes.length), 3),
      },
    );
  } finally {
    await gw.stop();
  }
}
