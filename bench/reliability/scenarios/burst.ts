import { freePort, sleep, spawnGateway, type ScenarioEnv } from '../lib/gateway';
import { byStatus, quantile, runLoad } from '../lib/load';
import { round, verdict, type ScenarioResult } from '../lib/result';

const PATHS = ['/api/v1/invoices', '/api/v1/admin/revenue-bands', '/healthz'];

/**
 * A burst of 10× the steady rate for `burstMs` against a gateway in its own process: fig answers
 * every request (200, or 503 FIG_OVERLOADED with Retry-After when under-pressure sheds), none waits
 * past the client timeout (no unbounded queue), and the steady rate after the burst is all 200.
 */
export async function burst(env: ScenarioEnv, o: { rps: number; steadyMs: number; burstMs: number }): Promise<ScenarioResult> {
  const gw = await spawnGateway(env, await freePort(), { LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '200' });
  try {
    const before = await runLoad({ baseUrl: gw.url, paths: PATHS, rps: o.rps, durationMs: o.steadyMs });
    const during = await runLoad({ baseUrl: gw.url, paths: PATHS, rps: o.rps * 10, durationMs: o.burstMs, clientTimeoutMs: 10_000 });
    await sleep(1_000);
    const after = await runLoad({ baseUrl: gw.url, paths: PATHS, rps: o.rps, durationMs: o.steadyMs });
    const shed = during.filter((x) => x.status === 503);
    const okOrShed = during.every((x) => x.status === 200 || (x.status === 503 && x.code === 'FIG_OVERLOADED' && x.retryAfter !== undefined));
    return verdict(
      'burst-10x',
      [
        ['steady load before the burst is all 200', before.every((x) => x.status === 200)],
        ['during the burst every answer is 200 or 503 FIG_OVERLOADED with Retry-After', okOrShed],
        ['no request hangs past the client timeout (no unbounded queue)', during.every((x) => x.status !== 0)],
        ['steady load after the burst is all 200 (recovered)', after.every((x) => x.status === 200)],
      ],
      {
        'steady rps': o.rps,
        'burst rps': o.rps * 10,
        'burst requests': during.length,
        'burst status': JSON.stringify(byStatus(during)),
        'shed %': round((100 * shed.length) / Math.max(1, during.length)),
        'burst p99 ms': round(quantile(during.map((x) => x.ms), 0.99)),
        'after p99 ms': round(quantile(after.map((x) => x.ms), 0.99)),
      },
      shed.length === 0 ? ['The machine absorbed the burst without event-loop lag past the threshold: nothing was shed.'] : undefined,
    );
  } finally {
    await gw.stop();
  }
}
