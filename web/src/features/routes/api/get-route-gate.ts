import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { RouteGateEvaluation } from '../types-gate';

/** GET /_fig/routes/{key}/gate: every check of the route's parity gate with actual and required values, and the evidence. */
export function getRouteGate(key: string, signal?: AbortSignal) {
  return api<RouteGateEvaluation>(`/_fig/routes/${encodeURIComponent(key)}/gate`, { signal });
}

export const routeGateQueryOptions = (key: string) =>
  queryOptions({
    queryKey: ['routes', 'gate', key] as const,
    queryFn: ({ signal }) => getRouteGate(key, signal),
    staleTime: 5_000,
  });

export const useRouteGate = (key: string, enabled: boolean) =>
  useQuery({ ...routeGateQueryOptions(key), enabled });
