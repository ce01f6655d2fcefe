import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../modules/core/db';
import { compileGlob, type Difference, type PathSegment } from '../diff/index';
import { decodeBody, parseBody } from './body';
import type { CapturedResponse } from './legacy-replay';
import type { ShadowJob } from './job';
import { truncate } from './corpus';
import * as repo from './repo';

/**
 * Dual-write bookkeeping and id mapping: a route in `dual-write` lets legacy and the module both
 * write; the ids each side gave the same entity go to shadow.external_id_mappings, and every way
 * the two writes disagree becomes a shadow.reconciliation_issues row (legacy is the truth).
 */

interface Deps {
  db: Db;
  log: FastifyBaseLogger;
}

/** The request the module gets: a legacy id in the route's idParam becomes the mapped new id, when a mapping exists. */
export async function mapRequestIds(db: Db, job: ShadowJob, entity: string): Promise<{ url: string; params: Record<string, string> }> {
  const { request } = job;
  let params = request.params;
  let url = request.url;
  const idParam = job.rules.idParam;
  if (idParam && params[idParam]) {
    const mapped = (await repo.findIdMappings(db, entity, [params[idParam]])).get(params[idParam]);
    if (mapped && mapped !== params[idParam]) {
      url = url.replace(encodeURIComponent(params[idParam]), encodeURIComponent(mapped));
      params = { ...params, [idParam]: mapped };
    }
  }
  return { url, params };
}

/** What legacy answered to a dual-write (JSON body parsed), so the module can write the same entity with the same id. */
export async function legacyResponseOf(job: ShadowJob): Promise<{ status: number; headers: Record<string, string | string[]>; body: unknown }> {
  const decoded = await decodeBody(job.primary.body ?? Buffer.alloc(0), job.primary.headers['content-encoding']);
  return { status: job.primary.status, headers: job.primary.headers, body: parseBody(decoded).value };
}

/** Mappings for the legacy ids at the route's idPaths. */
export async function idMapFor(db: Db, job: ShadowJob, entity: string, legacyBody: unknown): Promise<Map<string, string>> {
  if (!job.rules.idPaths.length) return new Map();
  const globs = job.rules.idPaths.map(compileGlob);
  const ids: string[] = [];
  collect(legacyBody, [], (path, v) => {
    if ((typeof v === 'string' || typeof v === 'number') && globs.some((g) => g.matches(path))) ids.push(String(v));
  });
  return repo.findIdMappings(db, entity, ids);
}

/** After both sides wrote: record the id mapping, or the issue when only one side succeeded or they drifted. */
export async function afterDualWrite(
  deps: Deps,
  job: ShadowJob,
  entity: string,
  left: ReturnType<typeof parseBody>,
  right: ReturnType<typeof parseBody>,
  sides: { legacy: CapturedResponse; candidate: CapturedResponse },
  real: Difference[],
): Promise<void> {
  // Either side may have answered the client: legacy in shadow, the module in new/canary (reverse shadow).
  const { legacy, candidate } = sides;
  const legacyOk = legacy.status < 400;
  const newOk = candidate.status < 400;
  if (legacyOk && !newOk) {
    await openIssue(deps, job, entity, 'new_write_failed', { legacyStatus: legacy.status, newStatus: candidate.status, body: right.json ? right.value : truncate(right.value) });
    return;
  }
  if (!legacyOk && newOk) {
    await openIssue(deps, job, entity, 'new_wrote_legacy_refused', { legacyStatus: legacy.status, newStatus: candidate.status });
    return;
  }
  if (legacyOk && left.json && right.json) {
    const glob = compileGlob(job.rules.idField);
    let legacyId: string | undefined;
    let newId: string | undefined;
    collect(left.value, [], (p, v) => {
      if (legacyId === undefined && glob.matches(p) && (typeof v === 'string' || typeof v === 'number')) legacyId = String(v);
    });
    collect(right.value, [], (p, v) => {
      if (newId === undefined && glob.matches(p) && (typeof v === 'string' || typeof v === 'number')) newId = String(v);
    });
    if (legacyId && newId) await repo.putIdMapping(deps.db, { entity, legacyId, newId, routeKey: job.routeKey });
    if (real.length) await openIssue(deps, job, entity, 'drift', { paths: real.slice(0, 20).map((d) => d.path) }, legacyId, newId);
  }
}

/** Record one reconciliation issue of a dual-write (never throws). */
export async function openIssue(deps: Deps, job: ShadowJob, entity: string, kind: string, detail: unknown, legacyId?: string, newId?: string): Promise<void> {
  const id = legacyId ?? job.request.params[job.rules.idParam ?? 'id'] ?? null;
  await repo
    .openIssue(deps.db, { routeKey: job.routeKey, entity, legacyId: id, newId: newId ?? null, kind, detail: { requestId: job.request.requestId, method: job.request.method, url: job.request.url, ...(detail as object) } })
    .catch((err) => deps.log.warn({ err, routeKey: job.routeKey }, 'reconciliation issue not recorded'));
  deps.log.warn({ routeKey: job.routeKey, kind, legacyId: id }, 'dual-write drift recorded in shadow.reconciliation_issues');
}

function collect(v: unknown, path: PathSegment[], fn: (path: PathSegment[], v: unknown) => void): void {
  fn(path, v);
  if (Array.isArray(v)) v.forEach((x, i) => collect(x, [...path, i], fn));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v as Record<string, unknown>)) collect(x, [...path, k], fn);
}
