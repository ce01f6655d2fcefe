import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { CreateReportBody, ParityReport } from '../types';
import { parityKeys } from './keys';

/** POST /api/v1/parity/reports: small runs answer finished (201), large ones queued (202, status running). */
export function createReport(body: CreateReportBody) {
  return api<ParityReport>('/api/v1/parity/reports', { method: 'POST', body });
}

export function useCreateReport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createReport,
    onSuccess: (report) => qc.setQueryData(parityKeys.detail(report.id), report),
    onSettled: () => void qc.invalidateQueries({ queryKey: parityKeys.list() }),
  });
}
