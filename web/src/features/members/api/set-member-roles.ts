import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { membersQueryOptions } from './list-members';

export interface SetRolesInput {
  tenantId: string;
  userId: string;
  roles: string[];
}

/** PUT /api/v1/tenants/{tid}/members/{userId}/roles. */
export function setMemberRoles({ tenantId, userId, roles }: SetRolesInput): Promise<unknown> {
  return api(`/api/v1/tenants/${tenantId}/members/${userId}/roles`, { method: 'PUT', body: { roles } });
}

export function useSetMemberRoles() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: setMemberRoles,
    onSettled: (_r, _e, input) => void qc.invalidateQueries({ queryKey: membersQueryOptions(input.tenantId).queryKey }),
  });
}
