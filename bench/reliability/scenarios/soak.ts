import { request } from 'undici';
import { ADMIN_TOKEN, freePort, promSample, spawnGateway, type ScenarioEnv } from '../lib/gateway';
import { byStatus, quantile, runLoad, slope, type Outcome } from '../lib/load';
import { round, verdict, type ScenarioResult } from '../lib/result';

const PATHS = ['/api/v1/invoices', '/api/v1/admin/revenue-bands', '/api/v1/sessions', '/healthz'];
const SHADOWED = 'GET /api/v1/sessions';

/**
 * A sustained mixed rate (legacy routes, a route in shadow mode, fig's own) against a gateway in its
 * own process for `durationMs`: latency percentiles, error rate 0, and the slopes of RSS and
 * event-loop lag and the growth of open file descriptors, sampled from /metrics.
 */
export async function soak(env: ScenarioEnv, o: { rps: number; durationMs: number; sampleMs: number; overrides?: Record<string, string> }): Promise<ScenarioResult> {
  const gw = await spawnGateway(env, await freePort(), o.overrides ?? {});
  const samples: { t: number; rss: number; lag: number; fds: number }[] = [];
  try {
    const flip = await request(`${gw.url}/_fig/routes/${encodeURIComponent(SHADOWED)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ mode: 'shadow', reason: 'reliability soak: shadow on for the sessions family' }),
    });
    await flip.body.text();
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
    return verdict(
      'soak',
      [
        ['error rate 0 (every request 200, shadow on for the sessions family)', errors.length === 0],
        ['at least three /metrics samples', samples.length >= 3],
        ['open file descriptors do not grow (≤ 10 over the run)', fdGrowth <= 10],
        ['RSS slope under 10 MiB/min', rssSlope < 10],
      ],
      {
        minutes: round(o.durationMs / 60_000, 2),
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
      },
    );
  } finally {
    await gw.stop();
  }
}
