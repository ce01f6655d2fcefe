import { metricValue, sleep, startGateway, type ScenarioEnv } from '../lib/gateway';
import { byStatus, quantile, runLoad, type Outcome } from '../lib/load';
import { round, verdict, type ScenarioResult } from '../lib/result';

/** How a scenario takes legacy away and brings it back (a cut relay in tests, a killed process in the suite). */
export interface LegacyControl {
  url: string;
  kill(): Promise<void>;
  start(): Promise<void>;
}

/** Legacy paths of the mixed load; GET /api/v1/sessions is served by a module but its mode is legacy. */
const LEGACY_PATHS = ['/api/v1/invoices', '/api/v1/admin/revenue-bands', '/api/v1/sessions'];

/**
 * Legacy killed, then restarted, under steady mixed load: every legacy-route request during the
 * outage is 502 problem+json within the connect timeout (none hangs, none is answered by a module),
 * the circuit breaker opens (requests short-circuit), fig's own routes keep answering, and legacy
 * routes answer 200 again after restart without restarting fig.
 */
export async function legacyDown(env: ScenarioEnv, legacy: LegacyControl, o: { rps: number; upMs: number; outageMs: number; connectTimeoutMs: number }): Promise<ScenarioResult> {
  const cooldownMs = 500;
  const gw = await startGateway({ ...env, legacyUrl: legacy.url }, {
    PROXY_CONNECT_TIMEOUT_MS: String(o.connectTimeoutMs),
    PROXY_BREAKER_COOLDOWN_MS: String(cooldownMs),
  });
  try {
    const t0 = performance.now();
    const outcomes: Outcome[] = [];
    let stop = false;
    // Load runs in slices until the recovery phase is over (a real restart takes seconds).
    const load = (async () => {
      while (!stop) outcomes.push(...(await runLoad({ baseUrl: gw.url, paths: [...LEGACY_PATHS, '/healthz'], rps: o.rps, durationMs: 250, clientTimeoutMs: o.connectTimeoutMs * 4 + 5_000, origin: t0 })));
    })();
    await sleep(o.upMs);
    await legacy.kill();
    const killedAt = performance.now() - t0;
    await sleep(o.outageMs);
    await legacy.start();
    const restartedAt = performance.now() - t0;
    await sleep(2 * cooldownMs + Math.max(o.upMs, 1_500));
    stop = true;
    await load;
    const opened = await metricValue(gw.app, 'fig_proxy_circuit_opened_total');
    const shortCircuited = await metricValue(gw.app, 'fig_proxy_circuit_short_circuited_total');
    return judge(outcomes, { killedAt, restartedAt, opened, shortCircuited, connectTimeoutMs: o.connectTimeoutMs, cooldownMs });
  } finally {
    await gw.close();
  }
}

function judge(outcomes: Outcome[], t: { killedAt: number; restartedAt: number; opened: number; shortCircuited: number; connectTimeoutMs: number; cooldownMs: number }): ScenarioResult {
  const legacyRoute = (x: Outcome) => x.path !== '/healthz';
  // Sent after the kill and answered before the restart: legacy could not have answered these.
  const during = outcomes.filter((x) => legacyRoute(x) && x.at > t.killedAt + 50 && x.at + x.ms < t.restartedAt);
  const bad = outcomes.filter((x) => x.status === 502);
  const answeredDuring = during.filter((x) => x.status !== 502 || x.code !== 'FIG_UPSTREAM_UNAVAILABLE' || !x.contentType.startsWith('application/problem+json'));
  const hung = outcomes.filter((x) => x.status === 0);
  const own = outcomes.filter((x) => !legacyRoute(x));
  // Recovery: the first 200 on a legacy route sent after the restart.
  const firstOk = outcomes.find((x) => legacyRoute(x) && x.at >= t.restartedAt && x.status === 200);
  const tail = outcomes.filter((x) => legacyRoute(x) && x.at >= t.restartedAt + 2 * t.cooldownMs + 500);
  const p99_502 = quantile(bad.map((x) => x.ms), 0.99);
  return verdict(
    'legacy-down',
    [
      ['requests sent during the outage', during.length > 0],
      ['every legacy-route request during the outage is 502 FIG_UPSTREAM_UNAVAILABLE problem+json (none answered by a module)', answeredDuring.length === 0],
      ['no request hangs or fails without an answer', hung.length === 0],
      [`every 502 within the connect timeout (${t.connectTimeoutMs} ms) + 500 ms`, Math.max(0, ...bad.map((x) => x.ms)) <= t.connectTimeoutMs + 500],
      ['the circuit breaker opened and short-circuited requests', t.opened >= 1 && t.shortCircuited > 0],
      ["fig's own routes answer 200 throughout", own.every((x) => x.status === 200)],
      ['legacy routes recover after restart without restarting fig', firstOk !== undefined && tail.length > 0 && tail.every((x) => x.status === 200)],
    ],
    {
      requests: outcomes.length,
      status: JSON.stringify(byStatus(outcomes)),
      'outage 502s': during.length,
      '502 p50 ms': round(quantile(bad.map((x) => x.ms), 0.5)),
      '502 p99 ms': round(p99_502),
      'short-circuited': t.shortCircuited,
      'recovered after ms': firstOk ? round(firstOk.at - t.restartedAt, 0) : 'never',
    },
  );
}
