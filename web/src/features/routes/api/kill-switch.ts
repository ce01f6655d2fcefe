import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { routesQueryOptions } from './list-routes';
import { routeChangesKey } from './list-route-changes';

export interface KillSwitchResult {
  changed: number;
  routes: string[];
}

/** POST /_fig/kill-switch: every route back to legacy. */
export function killSwitch(reason: string): Promise<KillSwitchResult> {
  return api<KillSwitchResult>('/_fig/kill-switch', { method: 'POST', body: { reason } });
}

export function useKillSwitch() {
  const qc = useQueryClient();
  const listKey = routesQueryOptions().queryKey;
  return useMutation({
    mutationFn: killSwitch,
    onSuccess: () => {
      qc.setQueryData(listKey, (rows) => rows?.map((r) => ({ ...r, mode: 'legacy' as const, canaryPercent: 0 })));
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: listKey });
      void qc.invalidateQueries({ queryKey: routeChangesKey });
    },
  });
}
