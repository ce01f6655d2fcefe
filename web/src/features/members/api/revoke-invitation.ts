import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invitationsQueryOptions } from './list-invitations';

/** DELETE /api/v1/tenants/{tid}/invitations/{id}. */
export function revokeInvitation(tenantId: string, id: string) {
  return api<void>(`/api/v1/tenants/${tenantId}/invitations/${id}`, { method: 'DELETE' });
}

export function useRevokeInvitation(tenantId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => revokeInvitation(tenantId, id),
    onSettled: () => void qc.invalidateQueries({ queryKey: invitationsQueryOptions(tenantId).queryKey }),
  });
}
