import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { GroupFlipBody, GroupFlipResult } from '../../../../../gateway/routing/schema';
import { routesQueryOptions } from './list-routes';
import { routeChangesKey } from './list-route-changes';

export type FlipRouteGroupInput = GroupFlipBody;

/** POST /_fig/route-groups/flip: a prefix, module or key list, all or nothing. */
export function flipRouteGroup(body: FlipRouteGroupInput): Promise<GroupFlipResult> {
  return api<GroupFlipResult>('/_fig/route-groups/flip', { method: 'POST', body });
}

/** Flip a group; the route list and the history refetch afterwards (no optimistic update: the group may be refused whole). */
export function useFlipRouteGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: flipRouteGroup,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: routesQueryOptions().queryKey });
      void qc.invalidateQueries({ queryKey: routeChangesKey });
    },
  });
}
