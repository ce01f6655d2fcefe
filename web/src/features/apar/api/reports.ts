import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { PARTY_BOOKS, type AgingReport, type PartyKind, type Settings, type Statement } from '../types';
import { aparBase, aparKeys } from './keys';

/** GET …/aging?asOf&side: buckets, currencies and parties, from the ledger as of the date. */
export const agingQueryOptions = (tid: string, side: 'AR' | 'AP', asOf: string) =>
  queryOptions({
    queryKey: aparKeys.aging(tid, side, asOf),
    queryFn: ({ signal }) => api<AgingReport>(`${aparBase(tid)}/aging`, { query: { side, asOf }, signal }),
    placeholderData: keepPreviousData,
  });
export const useAging = (tid: string, side: 'AR' | 'AP', asOf: string) => useQuery(agingQueryOptions(tid, side, asOf));

/** GET …/customers|vendors/{id}/statement?from&to: opening, entries with running balance, closing. */
export const statementQueryOptions = (tid: string, kind: PartyKind, id: number, from: string, to: string) =>
  queryOptions({
    queryKey: aparKeys.statement(tid, kind, id, from, to),
    queryFn: ({ signal }) => api<Statement>(`${aparBase(tid)}/${PARTY_BOOKS[kind].path}/${id}/statement`, { query: { from, to }, signal }),
    placeholderData: keepPreviousData,
  });
export const useStatement = (tid: string, kind: PartyKind, id: number, from: string, to: string) =>
  useQuery(statementQueryOptions(tid, kind, id, from, to));

/** GET …/settings: base currency and aging bucket bounds. */
export const useAparSettings = (tid: string) =>
  useQuery({ queryKey: aparKeys.settings(tid), queryFn: ({ signal }) => api<Settings>(`${aparBase(tid)}/settings`, { signal }) });
