import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { EngineGate } from '../types';
import { parityKeys } from './keys';

/** GET /api/v1/parity/engine-gate: is there a signed-off report with Gate A passed? */
export function getEngineGate(signal?: AbortSignal) {
  return api<EngineGate>('/api/v1/parity/engine-gate', { signal });
}

export const engineGateQueryOptions = () =>
  queryOptions({ queryKey: parityKeys.engineGate, queryFn: ({ signal }) => getEngineGate(signal) });

export const useEngineGate = () => useQuery(engineGateQueryOptions());
