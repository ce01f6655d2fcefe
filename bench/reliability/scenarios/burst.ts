import { freePort, sleep, spawnGateway, type ScenarioEnv } from '../lib/gateway';
import { byStatus, quantile, runLoad, type Outcome } from '../lib/load';
import { round, verdict, type ScenarioResult } from '../lib/result';

const PATHS = ['/api/v1/invoices', '/api/v1/admin/revenue-bands', '/healthz'];
/** The two ways fig refuses work it cannot take: its own loop is saturated, or legacy's pool and queue are full. */
const SHED_CODES = new Set(['FIG_OVERLOADED', 'FIG_UPSTREAM_SATURATED']);

const isShed = (x: Outcome) => x.status === 503 && SHED_CODES.has(x.code ?? '') && x.retryAfter !== undefined;

/**
 * A burst of 10× the steady rate for `burstMs` against a gateway in its own process (production
 * defaults for shedding: event-loop utilisation, and the legacy upstream queue): fig answers every
 * request (200, or 503 FIG_OVERLOADED / FIG_UPSTREAM_SATURATED with Retry-After), none waits past
 * the client timeout (no unbounded queue), and the steady rate after the burst is all 200.
 */
export async function burst(env: ScenarioEnv, o: { rps: number; steadyMs: number; burstMs: number; overrides?: Record<string, string> }): Promise<ScenarioResult> {
  const gw = await spawnGateway(env, await freePort(), o.overrides ?? {});
  try {
    const before = await runLoad({ baseUrl: gw.url, paths: PATHS, rps: o.rps, durationMs: o.steadyMs });
    const during = await runLoad({ baseUrl: gw.url, paths: PATHS, rps: o.rps * 10, durationMs: o.burstMs, clientTimeoutMs: 10_000 });
    // Let the queues the burst left behind (legacy's, the sockets') drain before judging recovery.
    await sleep(2_000);
    const after = await runLoad({ baseUrl: gw.url, paths: PATHS, rps: o.rps, durationMs: o.steadyMs });
    const shed = during.filter(isShed);
    const byCode: Record<string, number> = {};
    for (const x of shed) byCode[x.code!] = (byCode[x.code!] ?? 0) + 1;
    const served = during.filter((x) => x.status === 200);
    return verdict(
      'burst-10x',
      [
        ['steady load before the burst is all 200', before.every((x) => x.status === 200)],
        ['during the burst every answer is 200 or 503 FIG_OVERLOADED/FIG_UPSTREAM_SATURATED with Retry-After', during.every((x) => x.status === 200 || isShed(x))],
        ['no request hangs past the client timeout (no unbounded queue)', during.every((x) => x.status !== 0)],
        ['steady load after the burst is all 200 (recovered)', after.every((x) => x.status === 200)],
      ],
      {
        'steady rps': o.rps,
        'burst rps': o.rps * 10,
        'burst requests': during.length,
        'burst status': JSON.stringify(byStatus(during)),
        'shed by code': JSON.stringify(byCode),
        'shed %': round((100 * shed.length) / Math.max(1, during.length)),
        'served rps during burst': round(served.length / (o.burstMs / 1000)),
        'burst p50 ms': round(quantile(during.map((x) => x.ms), 0.5)),
        'burst p99 ms': round(quantile(during.map((x) => x.ms), 0.99)),
        'shed p99 ms': round(quantile(shed.map((x) => x.ms), 0.99)),
        'after p99 ms': round(quantile(after.map((x) => x.ms), 0.99)),
      },
      shed.length === 0 ? ['The machine absorbed the burst: nothing was shed.'] : undefined,
    );
  } finally {
    await gw.stop();
  }
}
