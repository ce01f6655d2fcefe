import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { ListPage, RouteChange } from '../types';

/** Prefix of every route-changes query; mutations invalidate it. */
export const routeChangesKey = ['routes', 'changes'] as const;

/** GET /_fig/route-changes, newest first, one page. */
export function listRouteChanges(params: { routeKey?: string; cursor?: string; limit?: number }, signal?: AbortSignal) {
  return api<ListPage<RouteChange>>('/_fig/route-changes', { query: { limit: params.limit ?? 20, ...params }, signal });
}

export const routeChangesQueryOptions = (routeKey?: string) =>
  infiniteQueryOptions({
    queryKey: [...routeChangesKey, { routeKey: routeKey ?? null }] as const,
    queryFn: ({ pageParam, signal }) => listRouteChanges({ routeKey, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore && last.nextCursor ? last.nextCursor : undefined),
  });

export const useRouteChanges = (routeKey?: string) => useInfiniteQuery(routeChangesQueryOptions(routeKey));
