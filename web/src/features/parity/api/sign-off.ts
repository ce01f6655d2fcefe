import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { ParityReport } from '../types';
import { parityKeys } from './keys';

/** POST /api/v1/parity/reports/{id}/sign-off (finance; refused while Gate A fails or when already signed). */
export function signOffReport(id: string, note: string) {
  return api<ParityReport>(`/api/v1/parity/reports/${encodeURIComponent(id)}/sign-off`, {
    method: 'POST',
    body: { note },
  });
}

export function useSignOff(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (note: string) => signOffReport(id, note),
    onSuccess: (report) => qc.setQueryData(parityKeys.detail(id), report),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: parityKeys.list() });
      void qc.invalidateQueries({ queryKey: parityKeys.engineGate });
    },
  });
}
