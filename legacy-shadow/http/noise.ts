import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../modules/core/db';
import { diffJson, type PathSegment } from '../diff/index';
import { decodeBody, parseBody } from './body';
import type { ShadowJob } from './job';
import type { CapturedResponse, RequestCopy } from './legacy-replay';
import * as repo from './repo';
import { diffOptionsOf, generalisePath } from './rules';

const NOISE_CACHE_MS = 2_000;

/**
 * The legacy-vs-legacy noise baseline: a sampled GET is sent to legacy a second time, and every
 * path where legacy differs from itself is stored as noise, so later diffs count it as noise,
 * not as a mismatch.
 */
export class NoiseBaseline {
  private readonly cache = new Map<string, { at: number; globs: string[] }>();
  /** When each route last sent legacy a second call (per process). */
  private readonly lastLearn = new Map<string, number>();

  constructor(private readonly deps: { db: Db; log: FastifyBaseLogger }) {}

  /** Learned noise globs of a route (cached for a moment: they change rarely). */
  async globs(routeKey: string): Promise<string[]> {
    const hit = this.cache.get(routeKey);
    if (hit && Date.now() - hit.at < NOISE_CACHE_MS) return hit.globs;
    const rows = await repo.listNoisePaths(this.deps.db, routeKey);
    const globs = rows.map((r) => r.path);
    this.cache.set(routeKey, { at: Date.now(), globs });
    return globs;
  }

  /**
   * Whether a route may send legacy a second call now: at most one per `minIntervalMs` (0: always).
   * Answering true counts as that call.
   */
  due(routeKey: string, minIntervalMs: number): boolean {
    if (minIntervalMs <= 0) return true;
    const now = performance.now();
    const last = this.lastLearn.get(routeKey);
    if (last !== undefined && now - last < minIntervalMs) return false;
    this.lastLearn.set(routeKey, now);
    return true;
  }

  /** Ask legacy again and store the paths where its two answers differ. */
  async learn(job: ShadowJob, first: unknown, callLegacy: (request: RequestCopy) => Promise<CapturedResponse>): Promise<void> {
    const again = await callLegacy(job.request);
    if (again.over || !again.body) return;
    const parsed = parseBody(await decodeBody(again.body, again.headers['content-encoding']));
    if (!parsed.json) return;
    const result = diffJson(first, parsed.value, { ...diffOptionsOf(job.rules), maxDifferences: 200 });
    const paths = result.differences.filter((d) => d.kind !== 'money' || !d.withinTolerance).map((d) => generalisePath(d.path));
    if (paths.length) {
      await repo.addNoisePaths(this.deps.db, job.routeKey, paths);
      this.cache.delete(job.routeKey);
      this.deps.log.info({ routeKey: job.routeKey, paths: [...new Set(paths)].slice(0, 20) }, 'shadow noise learned (legacy differs from itself)');
    }
  }
}

/** Parse a rendered difference path back into segments (for noise glob matching). */
export function pathSegments(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\[([A-Za-z_$][\w$-]*)=("(?:[^"\\]|\\.)*")\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(`"${m[3]}"`) as string);
    else out.push({ by: m[4]!, value: JSON.parse(m[5]!) as string });
  }
  return out;
}

