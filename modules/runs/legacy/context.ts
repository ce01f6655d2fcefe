import type { ModuleContext, ModuleRequest, ModuleResponse } from '../../core/module';
import { computerFor } from '../compute-pool';
import type { RunsDeps } from '../service/context';
import { pathInt, Problems, queryInt } from './pydantic';
import { detail } from './respond';

/** The runs domain as a legacy route handler reaches it: the app's clients, in LEGACY_TENANT. */
export function legacyDeps(ctx: ModuleContext): { deps: RunsDeps; tenantId: string } {
  return { deps: { db: ctx.db, log: ctx.log, compute: computerFor(ctx.db, { background: ctx.background }) }, tenantId: ctx.config.LEGACY_TENANT };
}

export const MAX_LIMIT = 1000;

/**
 * legacy's path `{id}` ints and `limit`/`offset` query (PageParams: limit 1–1000 default 50, offset
 * ≥ 0), checked together as FastAPI does (query errors first, then path), or its 422.
 */
export function readParams(
  req: ModuleRequest,
  opts: { path?: string[]; page?: boolean },
): { ids: number[]; limit: number; offset: number } | { error: ModuleResponse } {
  const p = new Problems();
  let limit = 50;
  let offset = 0;
  // PageParams is a dependency: FastAPI solves it (the query) before the endpoint's path params.
  if (opts.page) {
    limit = queryInt(req.query.limit, ['query', 'limit'], p, { default: 50, ge: 1, le: MAX_LIMIT }) ?? 50;
    offset = queryInt(req.query.offset, ['query', 'offset'], p, { default: 0, ge: 0 }) ?? 0;
  }
  const ids = (opts.path ?? []).map((name) => pathInt(req.params[name], ['path', name], p) ?? 0);
  return p.any ? { error: detail(p.list) } : { ids, limit, offset };
}

/** What legacy answered this same request (shadow, write policy dual-write): its id and time, to write the same record. */
export function legacyRecord(req: ModuleRequest): { id?: number; createdAt?: Date; batchId?: number } {
  const body = req.legacyResponse?.body as { id?: unknown; created_at?: unknown; batch_id?: unknown } | undefined;
  if (!body || typeof body.id !== 'number' || typeof body.created_at !== 'string') return {};
  return {
    id: body.id,
    createdAt: new Date(body.created_at),
    ...(typeof body.batch_id === 'number' ? { batchId: body.batch_id } : {}),
  };
}
