import type { Redis } from 'ioredis';
import { SessionStore, type Session } from './store';

export interface BackfillResult {
  seen: number;
  imported: number;
  /** Already in fig (kept, unless `overwrite`). */
  skipped: number;
  pages: number;
}

/**
 * Import every live legacy session into Redis: pages through `GET /api/v1/sessions` on legacy
 * (oldest first), writing each session with its own id, data and timestamps. Idempotent: a session
 * fig already holds is kept unless `overwrite` (legacy is then the truth).
 */
export async function backfillSessions(
  deps: { redis: Redis; redisPrefix: string; legacyUrl: string },
  opts: { pageSize?: number; overwrite?: boolean; signal?: AbortSignal } = {},
): Promise<BackfillResult> {
  const store = new SessionStore(deps.redis, deps.redisPrefix);
  const limit = opts.pageSize ?? 500;
  const result: BackfillResult = { seen: 0, imported: 0, skipped: 0, pages: 0 };
  for (let offset = 0; ; offset += limit) {
    const url = new URL(`/api/v1/sessions?limit=${limit}&offset=${offset}`, deps.legacyUrl);
    const res = await fetch(url, { signal: opts.signal });
    if (!res.ok) throw new Error(`legacy answered ${res.status} to GET ${url.pathname}${url.search}`);
    const page = (await res.json()) as { items: Session[]; total: number };
    result.pages++;
    for (const s of page.items) {
      result.seen++;
      if (await store.put(s, { onlyIfAbsent: !opts.overwrite })) result.imported++;
      else result.skipped++;
    }
    if (page.items.length < limit || offset + limit >= page.total) break;
  }
  return result;
}
