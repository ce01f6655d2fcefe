import { request } from 'undici';
import { ADMIN_TOKEN, metricValue, sleep, startGateway, type ScenarioEnv } from '../lib/gateway';
import { byStatus, runLoad, type Outcome } from '../lib/load';
import { round, verdict, type ScenarioResult } from '../lib/result';

/** How a scenario takes Redis away (a cut relay: Redis is shared, it is never stopped). */
export interface RedisControl {
  redisUrl: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

const ROUTE = 'GET /api/v1/sessions';
const LOAD_PATHS = ['/api/v1/invoices', '/api/v1/sessions', '/healthz'];

interface Call {
  status: number;
  code?: string;
  retryAfter?: string;
}

async function call(url: string, method: 'PUT' | 'POST', body: unknown, auth = true): Promise<Call> {
  const res = await request(url, {
    method,
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.body.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { code?: string }).code;
  } catch {
    /* not JSON */
  }
  return { status: res.statusCode, code, retryAfter: res.headers['retry-after'] as string | undefined };
}

/**
 * Redis down under load: legacy routes keep being routed from the last known route table, a flip
 * is refused with 503 FIG_ROUTE_FANOUT_UNAVAILABLE (nothing changed, not silently unfanned), sign-in
 * fails closed (503 FIG_AUTH_UNAVAILABLE + Retry-After, counted in fig_auth_redis_fallbacks_total),
 * and once Redis is back a flip and a sign-in attempt work again without a restart.
 */
export async function redisDown(env: ScenarioEnv, redis: RedisControl, o: { rps: number; upMs: number; outageMs: number }): Promise<ScenarioResult> {
  const gw = await startGateway({ ...env, redisUrl: redis.redisUrl });
  const flipUrl = `${gw.url}/_fig/routes/${encodeURIComponent(ROUTE)}`;
  const loginUrl = `${gw.url}/api/v1/auth/login`;
  const login = { email: 'nobody@example.com', password: 'not-the-password-1' };
  try {
    const t0 = performance.now();
    const outcomes: Outcome[] = [];
    let stop = false;
    const load = (async () => {
      while (!stop) outcomes.push(...(await runLoad({ baseUrl: gw.url, paths: LOAD_PATHS, rps: o.rps, durationMs: 250, origin: t0 })));
    })();
    await sleep(o.upMs);
    await redis.stop();
    // Let the clients notice (ioredis reconnects with back-off).
    await sleep(Math.min(1_000, o.outageMs / 3));
    const flipDuring = await call(flipUrl, 'PUT', { mode: 'shadow', reason: 'reliability: flip while Redis is down' });
    const loginStarted = performance.now();
    const loginDuring = await call(loginUrl, 'POST', login, false);
    const loginMs = performance.now() - loginStarted;
    const modeDuring = gw.app.routeTable.modeFor(ROUTE);
    await sleep(Math.max(0, o.outageMs - Math.min(1_000, o.outageMs / 3)));
    await redis.start();
    const restoredAt = performance.now();
    // Back: the first flip that goes through (ioredis reconnects within its back-off, ≤ 2 s).
    let flipAfter: Call = { status: 0 };
    while (performance.now() - restoredAt < 15_000) {
      flipAfter = await call(flipUrl, 'PUT', { mode: 'shadow', reason: 'reliability: flip after Redis is back' });
      if (flipAfter.status === 200) break;
      await sleep(200);
    }
    const resumedMs = performance.now() - restoredAt;
    const loginAfter = await call(loginUrl, 'POST', login, false);
    await call(flipUrl, 'PUT', { mode: 'legacy', reason: 'reliability: back to legacy' });
    stop = true;
    await load;
    const refused = await metricValue(gw.app, 'fig_auth_redis_fallbacks_total', { check: 'login_throttle', outcome: 'refused' });
    const legacyRouted = outcomes.filter((x) => x.path !== '/healthz');
    return verdict(
      'redis-down',
      [
        ['legacy routes answer 200 throughout, from the last known route table', legacyRouted.length > 0 && legacyRouted.every((x) => x.status === 200)],
        ['a flip while Redis is down is refused: 503 FIG_ROUTE_FANOUT_UNAVAILABLE, mode unchanged', flipDuring.status === 503 && flipDuring.code === 'FIG_ROUTE_FANOUT_UNAVAILABLE' && modeDuring === 'legacy'],
        ['sign-in fails closed: 503 FIG_AUTH_UNAVAILABLE with Retry-After', loginDuring.status === 503 && loginDuring.code === 'FIG_AUTH_UNAVAILABLE' && loginDuring.retryAfter !== undefined],
        ['the fail-closed sign-in is counted (fig_auth_redis_fallbacks_total{login_throttle,refused})', refused >= 1],
        ['a flip works again once Redis is back (no restart)', flipAfter.status === 200],
        ['sign-in works again once Redis is back (401 for a wrong password)', loginAfter.status === 401],
      ],
      {
        requests: outcomes.length,
        status: JSON.stringify(byStatus(outcomes)),
        'flip during': `${flipDuring.status} ${flipDuring.code ?? ''}`.trim(),
        'sign-in during': `${loginDuring.status} ${loginDuring.code ?? ''}`.trim(),
        'sign-in during ms': round(loginMs, 0),
        'fallbacks counted': refused,
        'flips resumed after ms': round(resumedMs, 0),
      },
      [
        'Shadow sampling pauses while Redis is away (the in-flight ledger cannot be written): each skipped sample is recorded as ledger_unavailable; the served-request counters used by auto-rollback miss increments (logged).',
        'Access-token revocation falls back to Postgres (counted as token_revocation/database); covered by modules/identity/auth-hardening.test.ts.',
      ],
    );
  } finally {
    await gw.close();
  }
}
