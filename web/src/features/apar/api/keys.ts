/** Query keys of the AP/AR feature; mutations invalidate `tenant(tid)` (a posting moves balances everywhere). */
export const aparKeys = {
  all: ['apar'] as const,
  tenant: (tid: string) => ['apar', tid] as const,
  parties: (tid: string, kind: string, cursor: string | null) => ['apar', tid, 'parties', kind, cursor] as const,
  party: (tid: string, kind: string, id: number) => ['apar', tid, 'party', kind, id] as const,
  documents: (tid: string, kind: string, filter: Record<string, unknown>) => ['apar', tid, 'documents', kind, filter] as const,
  document: (tid: string, kind: string, id: number) => ['apar', tid, 'document', kind, id] as const,
  openDocuments: (tid: string, kind: string, partyId: number) => ['apar', tid, 'open-documents', kind, partyId] as const,
  payments: (tid: string, kind: string, filter: Record<string, unknown>) => ['apar', tid, 'payments', kind, filter] as const,
  payment: (tid: string, kind: string, id: number) => ['apar', tid, 'payment', kind, id] as const,
  aging: (tid: string, side: string, asOf: string) => ['apar', tid, 'aging', side, asOf] as const,
  statement: (tid: string, kind: string, id: number, from: string, to: string) => ['apar', tid, 'statement', kind, id, from, to] as const,
  settings: (tid: string) => ['apar', tid, 'settings'] as const,
  timeline: (tid: string, of: string, kind: string, id: number) => ['apar', tid, 'timeline', of, kind, id] as const,
  collections: (tid: string, asOf: string, cursor: string | null) => ['apar', tid, 'collections', asOf, cursor] as const,
  views: (tid: string, list: string) => ['apar', tid, 'views', list] as const,
};

/** The AP/AR API of a tenant. */
export const aparBase = (tid: string) => `/api/v1/tenants/${tid}/apar`;
