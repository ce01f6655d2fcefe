import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { EngineFunctions } from '../types';
import { planKeys } from './keys';

/** GET /api/v1/engine/functions: the function catalog, for the editor's hints. */
export function listEngineFunctions(signal?: AbortSignal) {
  return api<EngineFunctions>('/api/v1/engine/functions', { signal });
}

export const engineFunctionsQueryOptions = () => queryOptions({ queryKey: planKeys.functions, queryFn: ({ signal }) => listEngineFunctions(signal), staleTime: Infinity });

export const useEngineFunctions = () => useQuery(engineFunctionsQueryOptions());
