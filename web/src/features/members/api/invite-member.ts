import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { Invitation } from '../types';
import { membersQueryOptions } from './list-members';

export interface InviteInput {
  tenantId: string;
  email: string;
  roles: string[];
}

/** POST /api/v1/tenants/{tid}/invitations. */
export function inviteMember({ tenantId, ...body }: InviteInput): Promise<Invitation> {
  return api<Invitation>(`/api/v1/tenants/${tenantId}/invitations`, { method: 'POST', body });
}

export function useInviteMember() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: inviteMember,
    onSuccess: (_r, input) => void qc.invalidateQueries({ queryKey: membersQueryOptions(input.tenantId).queryKey }),
  });
}
