import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { Route, RouteMode } from '../types';
import { routesQueryOptions } from './list-routes';
import { routeChangesKey } from './list-route-changes';

export interface FlipRouteInput {
  key: string;
  mode: RouteMode;
  canaryPercent?: number;
  reason: string;
  override?: boolean;
}

/** PUT /_fig/routes/{key}. */
export function flipRoute({ key, ...body }: FlipRouteInput): Promise<Route> {
  return api<Route>(`/_fig/routes/${encodeURIComponent(key)}`, { method: 'PUT', body });
}

/** Flip a route: the table shows the new mode at once, rolls back on error, then refetches. */
export function useFlipRoute() {
  const qc = useQueryClient();
  const listKey = routesQueryOptions().queryKey;
  return useMutation({
    mutationFn: flipRoute,
    onMutate: async (input) => {
      await qc.cancelQueries({ queryKey: listKey });
      const previous = qc.getQueryData(listKey);
      qc.setQueryData(listKey, (rows) =>
        rows?.map((r) =>
          r.key === input.key ? { ...r, mode: input.mode, canaryPercent: input.mode === 'canary' ? (input.canaryPercent ?? r.canaryPercent) : input.mode === 'new' ? 100 : 0 } : r,
        ),
      );
      return { previous };
    },
    onError: (_err, _input, ctx) => {
      if (ctx?.previous) qc.setQueryData(listKey, ctx.previous);
    },
    onSuccess: (route) => {
      qc.setQueryData(listKey, (rows) => rows?.map((r) => (r.key === route.key ? { ...r, ...route, stats: route.stats ?? r.stats } : r)));
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: listKey });
      void qc.invalidateQueries({ queryKey: routeChangesKey });
    },
  });
}
