import { sleep, startGateway, type ScenarioEnv } from '../lib/gateway';
import { quantile, runLoad } from '../lib/load';
import { round, verdict, type ScenarioResult } from '../lib/result';

const FAST_PATHS = ['/api/v1/invoices', '/api/v1/admin/revenue-bands', '/healthz'];

/**
 * Legacy slow (5 s answers on one route) under steady load: each slow request is 504 problem+json at
 * the configured PROXY_TIMEOUT_MS, and the other routes keep answering fast (no head-of-line
 * blocking: the slow requests hold `slowConcurrency` of the PROXY_CONNECTIONS pool, never all).
 */
export async function legacySlow(env: ScenarioEnv, o: { rps: number; durationMs: number; timeoutMs: number; slowMs: number; slowConcurrency: number }): Promise<ScenarioResult> {
  const gw = await startGateway(env, { PROXY_TIMEOUT_MS: String(o.timeoutMs), PROXY_CONNECTIONS: '64' });
  try {
    const slowPath = `/api/v1/_diag/slow?ms=${o.slowMs}`;
    const fast = runLoad({ baseUrl: gw.url, paths: FAST_PATHS, rps: o.rps, durationMs: o.durationMs });
    // Slow requests are sent at a rate keeping about slowConcurrency of them in flight.
    const slowRps = Math.max(1, (o.slowConcurrency * 1000) / o.timeoutMs);
    await sleep(50);
    const slow = runLoad({ baseUrl: gw.url, paths: [slowPath], rps: slowRps, durationMs: Math.max(o.timeoutMs, o.durationMs - 100) });
    const [fastOut, slowOut] = await Promise.all([fast, slow]);
    const slowMs = slowOut.map((x) => x.ms);
    const fastLegacy = fastOut.filter((x) => x.path !== '/healthz');
    const fastP99 = quantile(fastLegacy.map((x) => x.ms), 0.99);
    return verdict(
      'legacy-slow',
      [
        ['every slow request is 504 FIG_UPSTREAM_TIMEOUT problem+json', slowOut.length > 0 && slowOut.every((x) => x.status === 504 && x.code === 'FIG_UPSTREAM_TIMEOUT')],
        // undici keeps its socket timeouts on a coarse timer wheel (~0.5 s ticks), so the bound is
        // met to about half a second either way; far below legacy's 5 s, which is what counts.
        [`every 504 answered at the bound (${o.timeoutMs} ms, within -500/+1000 ms) and before legacy's ${o.slowMs} ms`, slowMs.every((ms) => ms >= o.timeoutMs - 500 && ms <= o.timeoutMs + 1_000 && ms < o.slowMs)],
        ['every other request is 200', fastOut.every((x) => x.status === 200)],
        [`other routes' p99 below the timeout (${o.timeoutMs} ms): no request waited behind a slow one`, fastP99 < o.timeoutMs],
      ],
      {
        'slow requests': slowOut.length,
        '504 min ms': round(Math.min(...slowMs)),
        '504 p50 ms': round(quantile(slowMs, 0.5)),
        '504 max ms': round(Math.max(0, ...slowMs)),
        'other requests': fastOut.length,
        'other p50 ms': round(quantile(fastLegacy.map((x) => x.ms), 0.5)),
        'other p99 ms': round(fastP99),
      },
    );
  } finally {
    await gw.close();
  }
}
