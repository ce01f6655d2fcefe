import { Agent, request } from 'undici';

/** One request of a load run, as the client saw it. */
export interface Outcome {
  /** Path requested (one of the run's targets). */
  path: string;
  /** HTTP status, or 0 when the request failed without an answer (reset, refused, client timeout). */
  status: number;
  /** Milliseconds from send to the end of the body. */
  ms: number;
  /** performance.now() at send, relative to the start of the run. */
  at: number;
  contentType: string;
  /** `code` of a problem+json body, when the answer was one. */
  code?: string;
  retryAfter?: string;
  error?: string;
}

export interface LoadOptions {
  baseUrl: string;
  /** Paths sent round-robin (a mixed load: legacy, module, fig's own). */
  paths: string[];
  /** Requests per second across all paths (open loop: sent on schedule, whatever the answers). */
  rps: number;
  /** Stop after this long. */
  durationMs: number;
  /** A request not answered within this time counts as a hang (status 0, error 'client timeout'). */
  clientTimeoutMs?: number;
  headers?: Record<string, string>;
  /** performance.now() that outcome times (`at`) count from; default: the start of this run. */
  origin?: number;
  /** Stop sending early once this is aborted (the run still waits for every request sent). */
  signal?: AbortSignal;
  /** Called with every outcome as it completes. */
  onOutcome?: (o: Outcome) => void;
}

/**
 * An open-loop load generator: sends `rps` requests a second on a fixed schedule (a slow server
 * does not slow the sender, so pile-ups show) and records every outcome. Resolves when every
 * request sent has an outcome.
 */
export async function runLoad(opts: LoadOptions): Promise<Outcome[]> {
  const agent = new Agent({ connections: 256, keepAliveTimeout: 4_000, pipelining: 1 });
  const outcomes: Outcome[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const interval = 1000 / opts.rps;
  const timeoutMs = opts.clientTimeoutMs ?? 15_000;
  let i = 0;
  try {
    while (performance.now() - started < opts.durationMs && !opts.signal?.aborted) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const path = opts.paths[i % opts.paths.length]!;
      i++;
      pending.push(
        one(agent, opts.baseUrl, path, timeoutMs, opts.headers, performance.now() - (opts.origin ?? started)).then((o) => {
          outcomes.push(o);
          opts.onOutcome?.(o);
        }),
      );
    }
    await Promise.all(pending);
  } finally {
    await agent.close().catch(() => undefined);
  }
  return outcomes.sort((a, b) => a.at - b.at);
}

async function one(agent: Agent, baseUrl: string, path: string, timeoutMs: number, headers: Record<string, string> | undefined, at: number): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const res = await request(baseUrl + path, { dispatcher: agent, headers, signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.body.text();
    const contentType = String(res.headers['content-type'] ?? '');
    let code: string | undefined;
    if (contentType.startsWith('application/problem+json')) {
      try {
        code = (JSON.parse(body) as { code?: string }).code;
      } catch {
        code = 'UNPARSABLE';
      }
    }
    const retryAfter = res.headers['retry-after'];
    return { path, status: res.statusCode, ms: performance.now() - t0, at, contentType, code, retryAfter: retryAfter === undefined ? undefined : String(retryAfter) };
  } catch (err) {
    const e = err as Error & { code?: string };
    const error = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'client timeout' : (e.code ?? e.message);
    return { path, status: 0, ms: performance.now() - t0, at, contentType: '', error };
  }
}

/** The q-quantile (0-1) of `values` (nearest rank); 0 for none. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Least-squares slope of (x, y) points, per unit of x; 0 for fewer than two points. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const d = n * sxx - sx * sx;
  return d === 0 ? 0 : (n * sxy - sx * sy) / d;
}

/** Count outcomes by `status` (0 = no answer). */
export function byStatus(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}
