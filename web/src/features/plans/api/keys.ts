/** Query keys of the plans feature; every mutation invalidates through these. */
export const planKeys = {
  all: ['plans'] as const,
  list: (tenantId: string) => ['plans', 'list', tenantId] as const,
  detail: (id: string) => ['plans', 'detail', id] as const,
  validate: (id: string) => ['plans', 'detail', id, 'validate'] as const,
  functions: ['plans', 'engine-functions'] as const,
};
