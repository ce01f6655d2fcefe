import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import type { MailboxEntry } from '../types';

/** GET /_fig/mailbox: the dev mailbox, newest first (optionally one recipient). */
export function listMailbox(to: string, signal?: AbortSignal) {
  return api<ListPage<MailboxEntry>>('/_fig/mailbox', {
    query: { limit: 100, ...(to ? { to } : {}) },
    signal,
  });
}

export const mailboxQueryOptions = (to: string) =>
  queryOptions({
    queryKey: ['mailbox', to] as const,
    queryFn: ({ signal }) => listMailbox(to, signal),
    refetchInterval: 5_000,
  });

export const useMailbox = (to: string) => useQuery(mailboxQueryOptions(to));
