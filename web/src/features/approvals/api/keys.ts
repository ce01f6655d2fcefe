/** Query keys of the approvals feature; mutations invalidate `all`. */
export const approvalKeys = {
  all: ['approvals'] as const,
  inbox: (tenantId: string) => ['approvals', tenantId, 'inbox'] as const,
  list: (tenantId: string, filter: Record<string, string | undefined>) => ['approvals', tenantId, 'list', filter] as const,
  detail: (tenantId: string, id: string) => ['approvals', tenantId, 'detail', id] as const,
  policies: (tenantId: string) => ['approvals', tenantId, 'policies'] as const,
};
