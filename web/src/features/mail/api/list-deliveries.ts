import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import type { Delivery } from '../types';

/** GET /_fig/mail/deliveries, optionally by status ('dead': the dead-letter list). */
export function listDeliveries(status: string, signal?: AbortSignal) {
  return api<ListPage<Delivery>>('/_fig/mail/deliveries', {
    query: { limit: 100, ...(status ? { status } : {}) },
    signal,
  });
}

export const deliveriesQueryOptions = (status: string) =>
  queryOptions({
    queryKey: ['mail-deliveries', status] as const,
    queryFn: ({ signal }) => listDeliveries(status, signal),
    refetchInterval: 10_000,
  });

export const useDeliveries = (status: string) => useQuery(deliveriesQueryOptions(status));
