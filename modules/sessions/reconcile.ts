import type { Redis } from 'ioredis';
import { SessionStore, type Session } from './store';

/**
 * Make fig's copy of one session equal legacy's (legacy is the truth while it exists): legacy has
 * it → write it; legacy does not (404) → remove fig's. Returns what was done.
 */
export async function reconcileSession(deps: { redis: Redis; redisPrefix: string; legacyUrl: string }, id: string): Promise<'imported' | 'removed' | 'unchanged'> {
  const store = new SessionStore(deps.redis, deps.redisPrefix);
  const res = await fetch(new URL(`/api/v1/sessions/${encodeURIComponent(id)}`, deps.legacyUrl), { signal: AbortSignal.timeout(5000) });
  if (res.status === 404) return (await store.remove(id)) ? 'removed' : 'unchanged';
  if (!res.ok) throw new Error(`legacy answered ${res.status} for session ${id}`);
  const legacy = (await res.json()) as Session;
  const ours = await store.find(id);
  if (ours && JSON.stringify(ours) === JSON.stringify(legacy)) return 'unchanged';
  await store.put(legacy);
  return 'imported';
}
