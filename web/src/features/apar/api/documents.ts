import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import { DOCUMENT_BOOKS, type Document, type DocumentBody, type DocumentDetail, type DocumentKind } from '../types';
import { aparBase, aparKeys } from './keys';

/** The list filters the API takes (GET …/invoices?partyId&status). */
export interface DocumentFilter {
  partyId?: number;
  status?: 'open' | 'partial' | 'paid';
  /** Server-side order: `-dueDate`, `amount`… (allow-listed by the API, id breaks ties). */
  sort?: string;
  cursor?: string | null;
}

/** GET …/invoices|bills|credit-notes|vendor-credits, 50 a page. */
export const documentsQueryOptions = (tid: string, kind: DocumentKind, filter: DocumentFilter) =>
  queryOptions({
    queryKey: aparKeys.documents(tid, kind, { ...filter }),
    queryFn: ({ signal }) =>
      api<ListPage<Document>>(`${aparBase(tid)}/${DOCUMENT_BOOKS[kind].path}`, { query: { limit: 50, ...filter }, signal }),
    placeholderData: keepPreviousData,
  });
export const useDocuments = (tid: string, kind: DocumentKind, filter: DocumentFilter) => useQuery(documentsQueryOptions(tid, kind, filter));

/** A party's documents with something left to settle (open and partly paid), oldest due first. */
export const useOpenDocuments = (tid: string, kind: DocumentKind, partyId: number | undefined) =>
  useQuery({
    queryKey: aparKeys.openDocuments(tid, kind, partyId ?? 0),
    enabled: !!partyId,
    queryFn: async ({ signal }) => {
      const path = `${aparBase(tid)}/${DOCUMENT_BOOKS[kind].path}`;
      const [open, partial] = await Promise.all(
        (['open', 'partial'] as const).map((status) => api<ListPage<Document>>(path, { query: { partyId, status, limit: 200 }, signal })),
      );
      return [...open!.data, ...partial!.data].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id - b.id);
    },
  });

/** GET …/{kind}/{id}: lines and allocations. */
export const documentQueryOptions = (tid: string, kind: DocumentKind, id: number) =>
  queryOptions({
    queryKey: aparKeys.document(tid, kind, id),
    queryFn: ({ signal }) => api<DocumentDetail>(`${aparBase(tid)}/${DOCUMENT_BOOKS[kind].path}/${id}`, { signal }),
  });
export const useDocument = (tid: string, kind: DocumentKind, id: number) => useQuery(documentQueryOptions(tid, kind, id));

/** POST …/{kind}: posts the document (numbered, on the ledger). */
export function useCreateDocument(tid: string, kind: DocumentKind) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: DocumentBody) => api<DocumentDetail>(`${aparBase(tid)}/${DOCUMENT_BOOKS[kind].path}`, { method: 'POST', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.tenant(tid) }),
  });
}

/** POST …/credit-notes|vendor-credits/{id}/applications: apply a credit to the documents it settles. */
export function useApplyCredit(tid: string, kind: DocumentKind, id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { allocations: Array<{ documentId: number; amount: string }>; date?: string }) =>
      api<DocumentDetail>(`${aparBase(tid)}/${DOCUMENT_BOOKS[kind].path}/${id}/applications`, { method: 'POST', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.tenant(tid) }),
  });
}

/** POST …/write-offs: write off part of an open invoice or bill, with a reason. */
export function useWriteOff(tid: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { documentKind: 'invoice' | 'bill'; documentId: number; amount: string; reason: string; date: string }) =>
      api<DocumentDetail>(`${aparBase(tid)}/write-offs`, { method: 'POST', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.tenant(tid) }),
  });
}

/** PATCH …/{kind}/{id}: a posted document's description (every other field is refused by path). */
export function useEditDocument(tid: string, kind: DocumentKind, id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { description: string | null }) => api<DocumentDetail>(`${aparBase(tid)}/${DOCUMENT_BOOKS[kind].path}/${id}`, { method: 'PATCH', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.tenant(tid) }),
  });
}

/** POST …/invoices/{id}/send: mail the invoice to the customer's billing contact (marks it sent). */
export function useSendInvoice(tid: string, id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<DocumentDetail>(`${aparBase(tid)}/invoices/${id}/send`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.tenant(tid) }),
  });
}
