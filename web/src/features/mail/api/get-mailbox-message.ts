import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MailboxMessage } from '../types';

/** GET /_fig/mailbox/{id}: one message with its HTML and text. */
export function getMailboxMessage(id: string, signal?: AbortSignal) {
  return api<MailboxMessage>(`/_fig/mailbox/${id}`, { signal });
}

export const mailboxMessageQueryOptions = (id: string) =>
  queryOptions({
    queryKey: ['mailbox-message', id] as const,
    queryFn: ({ signal }) => getMailboxMessage(id, signal),
    staleTime: Infinity,
  });

export const useMailboxMessage = (id: string) => useQuery(mailboxMessageQueryOptions(id));
