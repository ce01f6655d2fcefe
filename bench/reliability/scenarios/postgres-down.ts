import { ADMIN_TOKEN, sleep, startGateway, type ScenarioEnv } from '../lib/gateway';
import { byStatus, runLoad, type Outcome } from '../lib/load';
import { round, verdict, type ScenarioResult } from '../lib/result';

/** How a scenario takes Postgres away: a cut relay (npm test), or the real cluster restarted (the suite, opt-in). */
export interface PostgresControl {
  /** Owner URL the gateway connects through (the relay's, or the real one). */
  databaseUrl: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A fig API route that reads Postgres on every request (the route table's database row). */
const DB_PATH = `/_fig/routes/${encodeURIComponent('GET /api/v1/sessions')}`;
const LEGACY_PATH = '/api/v1/invoices';

/**
 * Postgres restarted under load: fig API requests during the outage are 503 problem+json
 * FIG_DEPENDENCY_UNAVAILABLE with Retry-After (never a 500, never a hang), legacy routes keep
 * being proxied from the in-memory route table, and the API answers 200 again once Postgres is back.
 */
export async function postgresDown(env: ScenarioEnv, pg: PostgresControl, o: { rps: number; upMs: number; outageMs: number }): Promise<ScenarioResult> {
  const appUrl = new URL(pg.databaseUrl);
  appUrl.username = 'fig_service';
  appUrl.password = '';
  const gw = await startGateway({ ...env, databaseUrl: pg.databaseUrl }, { APP_DATABASE_URL: appUrl.toString(), ROUTE_RELOAD_INTERVAL_MS: '500' });
  try {
    const t0 = performance.now();
    const outcomes: Outcome[] = [];
    let stop = false;
    const load = (async () => {
      while (!stop) {
        outcomes.push(
          ...(await runLoad({ baseUrl: gw.url, paths: [DB_PATH, LEGACY_PATH, '/healthz'], rps: o.rps, durationMs: 250, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, origin: t0, clientTimeoutMs: 20_000 })),
        );
      }
    })();
    await sleep(o.upMs);
    await pg.stop();
    const stoppedAt = performance.now() - t0;
    await sleep(o.outageMs);
    await pg.start();
    const startedAt = performance.now() - t0;
    await sleep(Math.max(o.upMs, 3_000));
    stop = true;
    await load;
    const api = outcomes.filter((x) => x.path === DB_PATH);
    const during = api.filter((x) => x.at > stoppedAt + 50 && x.at + x.ms < startedAt);
    const fiveHundreds = outcomes.filter((x) => x.status === 500);
    const firstOk = api.find((x) => x.at >= startedAt && x.status === 200);
    const tail = api.filter((x) => x.at >= startedAt + 2_000);
    const legacy = outcomes.filter((x) => x.path === LEGACY_PATH);
    return verdict(
      'postgres-down',
      [
        ['API requests sent during the outage', during.length > 0],
        ['every API request during the outage is 503 FIG_DEPENDENCY_UNAVAILABLE problem+json with Retry-After', during.every((x) => x.status === 503 && x.code === 'FIG_DEPENDENCY_UNAVAILABLE' && x.retryAfter !== undefined)],
        ['no 500 at all', fiveHundreds.length === 0],
        ['no request hangs or fails without an answer', outcomes.every((x) => x.status !== 0)],
        ['legacy routes keep answering 200 from the in-memory route table', legacy.every((x) => x.status === 200)],
        ['the API answers 200 again once Postgres is back (no restart)', firstOk !== undefined && tail.length > 0 && tail.every((x) => x.status === 200)],
      ],
      {
        requests: outcomes.length,
        status: JSON.stringify(byStatus(outcomes)),
        'outage API requests': during.length,
        'outage 503 max ms': round(Math.max(0, ...during.map((x) => x.ms))),
        'recovered after ms': firstOk ? round(firstOk.at - startedAt, 0) : 'never',
      },
    );
  } finally {
    await gw.close();
  }
}
