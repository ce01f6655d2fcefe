import type { MismatchFilters } from '../types';

/** Query keys of the parity feature; mutations invalidate through these. */
export const parityKeys = {
  all: ['parity'] as const,
  list: () => ['parity', 'list'] as const,
  detail: (id: string) => ['parity', 'report', id] as const,
  mismatches: (id: string, filters: MismatchFilters, cursor: string | undefined) =>
    ['parity', 'report', id, 'mismatches', filters, cursor ?? ''] as const,
  employee: (id: string, employeeId: string, batchId: string | undefined) =>
    ['parity', 'report', id, 'employee', employeeId, batchId ?? ''] as const,
  engineGate: ['parity', 'engine-gate'] as const,
};
