import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { NewInvitation } from '../types';
import { invitationsQueryOptions } from './list-invitations';

export interface InviteInput {
  tenantId: string;
  email: string;
  roles: string[];
}

/** POST /api/v1/tenants/{tid}/invitations. */
export function inviteMember({ tenantId, ...body }: InviteInput): Promise<NewInvitation> {
  return api<NewInvitation>(`/api/v1/tenants/${tenantId}/invitations`, { method: 'POST', body });
}

export function useInviteMember() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: inviteMember,
    onSuccess: (_r, input) => void qc.invalidateQueries({ queryKey: invitationsQueryOptions(input.tenantId).queryKey }),
  });
}
