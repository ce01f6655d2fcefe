import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import { DOCUMENT_BOOKS, PARTY_BOOKS, type ActivityBody, type CollectionsRow, type DocumentKind, type PartyKind, type TimelineEvent } from '../types';
import { aparBase, aparKeys } from './keys';

/** Whose timeline: a customer or vendor (everything on their documents too), or one document. */
export type TimelineScope = { of: 'party'; kind: PartyKind; id: number } | { of: 'document'; kind: DocumentKind; id: number };

const scopePath = (tid: string, s: TimelineScope) =>
  `${aparBase(tid)}/${s.of === 'party' ? PARTY_BOOKS[s.kind].path : DOCUMENT_BOOKS[s.kind].path}/${s.id}/timeline`;

/** GET …/{customers|invoices|…}/{id}/timeline: posted, sent, payments, credits, write-offs, notes, promises. */
export const timelineQueryOptions = (tid: string, scope: TimelineScope) =>
  queryOptions({
    queryKey: aparKeys.timeline(tid, scope.of, scope.kind, scope.id),
    queryFn: ({ signal }) => api<{ data: TimelineEvent[] }>(scopePath(tid, scope), { signal }),
  });
export const useTimeline = (tid: string, scope: TimelineScope) => useQuery(timelineQueryOptions(tid, scope));

/** POST …/customers|vendors/{id}/activities: a note, a promise to pay or a "sent" mark. */
export function useRecordActivity(tid: string, kind: PartyKind, partyId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ActivityBody) => api<{ data: TimelineEvent[] }>(`${aparBase(tid)}/${PARTY_BOOKS[kind].path}/${partyId}/activities`, { method: 'POST', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.tenant(tid) }),
  });
}

/** GET …/collections?asOf: customers with overdue invoices, oldest first, with their promise and last note. */
export const useCollections = (tid: string, asOf: string, cursor: string | null) =>
  useQuery({
    queryKey: aparKeys.collections(tid, asOf, cursor),
    queryFn: ({ signal }) => api<ListPage<CollectionsRow>>(`${aparBase(tid)}/collections`, { query: { asOf, cursor, limit: 50 }, signal }),
  });
