import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** POST /_fig/mail/deliveries/{outboxId}/retry: put a dead-lettered mail back in line. */
export function retryDelivery(outboxId: string) {
  return api<{ outboxId: string; status: string }>(`/_fig/mail/deliveries/${outboxId}/retry`, {
    method: 'POST',
  });
}

export function useRetryDelivery() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: retryDelivery,
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['mail-deliveries'] }),
  });
}
