import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { ListPage, Route } from '../types';

/** GET /_fig/routes, every page (the route table is a few hundred rows; filtering is instant client-side). */
export async function listRoutes(signal?: AbortSignal): Promise<Route[]> {
  const all: Route[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await api<ListPage<Route>>('/_fig/routes', { query: { limit: 200, cursor }, signal });
    all.push(...page.data);
    if (!page.hasMore || !page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return all;
}

export const routesQueryOptions = () =>
  queryOptions({
    queryKey: ['routes', 'list'] as const,
    queryFn: ({ signal }) => listRoutes(signal),
    // Traffic and error rates move; keep them fresh while the console is open.
    refetchInterval: 15_000,
  });

export const useRoutes = () => useQuery(routesQueryOptions());
