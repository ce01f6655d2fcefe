import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import { PARTY_BOOKS, type Party, type PartyBody, type PartyKind } from '../types';
import { aparBase, aparKeys } from './keys';

/** GET …/customers|vendors: a page of 50, by id. */
export const partiesQueryOptions = (tid: string, kind: PartyKind, cursor: string | null) =>
  queryOptions({
    queryKey: aparKeys.parties(tid, kind, cursor),
    queryFn: ({ signal }) => api<ListPage<Party>>(`${aparBase(tid)}/${PARTY_BOOKS[kind].path}`, { query: { limit: 50, cursor }, signal }),
    placeholderData: keepPreviousData,
  });
export const useParties = (tid: string, kind: PartyKind, cursor: string | null) => useQuery(partiesQueryOptions(tid, kind, cursor));

/** Every customer or vendor for a picker (up to 200; the picker says when there are more). */
export const usePartyOptions = (tid: string, kind: PartyKind) =>
  useQuery({
    queryKey: [...aparKeys.parties(tid, kind, null), 'options'],
    queryFn: ({ signal }) => api<ListPage<Party>>(`${aparBase(tid)}/${PARTY_BOOKS[kind].path}`, { query: { limit: 200 }, signal }),
  });

/** GET …/customers|vendors/{id}: contacts and balance. */
export const partyQueryOptions = (tid: string, kind: PartyKind, id: number) =>
  queryOptions({
    queryKey: aparKeys.party(tid, kind, id),
    queryFn: ({ signal }) => api<Party>(`${aparBase(tid)}/${PARTY_BOOKS[kind].path}/${id}`, { signal }),
  });
export const useParty = (tid: string, kind: PartyKind, id: number) => useQuery(partyQueryOptions(tid, kind, id));

/** POST …/customers|vendors. */
export function useCreateParty(tid: string, kind: PartyKind) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PartyBody) => api<Party>(`${aparBase(tid)}/${PARTY_BOOKS[kind].path}`, { method: 'POST', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.tenant(tid) }),
  });
}

/** POST …/customers|vendors/{id}/contacts. */
export function useAddContact(tid: string, kind: PartyKind, id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; email?: string | null; phone?: string | null; role?: string | null }) =>
      api<Party>(`${aparBase(tid)}/${PARTY_BOOKS[kind].path}/${id}/contacts`, { method: 'POST', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.party(tid, kind, id) }),
  });
}

/** POST …/customers/{id}/portal-revocation: end every portal session and sign-in link of the customer now. */
export function useRevokePortalAccess(tid: string, id: number) {
  return useMutation({
    mutationFn: () =>
      api<{ customerId: number; upToLinkId: number }>(`${aparBase(tid)}/customers/${id}/portal-revocation`, { method: 'POST' }),
  });
}
