import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { aparBase, aparKeys } from './keys';

/** POST …/bills/{id}/approval: a draft bill goes to approval under the tenant's `ap-bill` policy (decisions are the approvals inbox's). */
export function useSubmitBill(tid: string, id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ billId: number; approval: string }>(`${aparBase(tid)}/bills/${id}/approval`, { method: 'POST', body: {} }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: aparKeys.tenant(tid) });
      void qc.invalidateQueries({ queryKey: ['approvals'] });
    },
  });
}
