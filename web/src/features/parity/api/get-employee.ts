import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { EmployeeDrillDown } from '../types';
import { parityKeys } from './keys';

/** GET /api/v1/parity/reports/{id}/mismatches/{employeeId}: both tapes and the first differing step. */
export function getEmployee(
  id: string,
  employeeId: string,
  batchId: string | undefined,
  signal?: AbortSignal,
) {
  return api<EmployeeDrillDown>(
    `/api/v1/parity/reports/${encodeURIComponent(id)}/mismatches/${encodeURIComponent(employeeId)}`,
    {
      query: { batchId },
      signal,
    },
  );
}

export const employeeQueryOptions = (id: string, employeeId: string, batchId: string | undefined) =>
  queryOptions({
    queryKey: parityKeys.employee(id, employeeId, batchId),
    queryFn: ({ signal }) => getEmployee(id, employeeId, batchId, signal),
  });

export const useEmployee = (id: string, employeeId: string, batchId: string | undefined) =>
  useQuery(employeeQueryOptions(id, employeeId, batchId));
