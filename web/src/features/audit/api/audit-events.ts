import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, apiBlob } from '../../../lib/api-client';
import { saveBlob } from '../../../lib/download';

export interface AuditEvent {
  id: string;
  seq: number;
  actor: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
  createdAt: string;
  hash: string;
}
export interface AuditEventPage {
  data: AuditEvent[];
  total: number;
  hasMore: boolean;
  nextCursor: string | null;
}
export interface ChainReport {
  ok: boolean;
  checked: number;
  headSeq: number;
  firstBroken: { seq: number; reason: string } | null;
}
/** The filters of GET /api/v1/audit-events (and its CSV export); empty values are left out. */
export interface AuditFilter {
  actor?: string;
  entity?: string;
  action?: string;
  from?: string;
  to?: string;
}

const clean = (f: AuditFilter): Record<string, string> =>
  Object.fromEntries(Object.entries(f).filter(([, v]) => typeof v === 'string' && v.trim() !== '').map(([k, v]) => [k, (v as string).trim()]));

export const auditEventsQuery = (filter: AuditFilter, cursor: string | undefined) =>
  queryOptions({
    queryKey: ['audit', 'events', clean(filter), cursor ?? null],
    queryFn: () => api<AuditEventPage>('/api/v1/audit-events', { query: { ...clean(filter), limit: '50', ...(cursor ? { cursor } : {}) } }),
    placeholderData: keepPreviousData,
  });
export const useAuditEvents = (filter: AuditFilter, cursor: string | undefined) => useQuery(auditEventsQuery(filter, cursor));

export const chainQuery = () => queryOptions({ queryKey: ['audit', 'chain'], queryFn: () => api<ChainReport>('/api/v1/audit-events/verify') });
export const useChain = () => useQuery(chainQuery());

/** GET /api/v1/audit-events/export.csv with the same filters, saved as a file. */
export async function exportAuditCsv(filter: AuditFilter): Promise<void> {
  const q = new URLSearchParams(clean(filter)).toString();
  const { blob, filename } = await apiBlob(`/api/v1/audit-events/export.csv${q ? `?${q}` : ''}`);
  saveBlob(blob, filename ?? 'audit-events.csv');
}
