import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { portalApi, type ListPage } from './client';
import type { PortalPayment } from '../types';

/** GET /portal/{slug}/payments (a page). */
export const paymentsOptions = (slug: string, cursor: string | undefined) =>
  queryOptions({
    queryKey: ['portal', slug, 'payments', { cursor }],
    queryFn: () =>
      portalApi<ListPage<PortalPayment>>(
        slug,
        `/payments?${new URLSearchParams({ limit: '25', ...(cursor ? { cursor } : {}) }).toString()}`,
      ),
    placeholderData: keepPreviousData,
  });

export const usePayments = (slug: string, cursor: string | undefined) =>
  useQuery(paymentsOptions(slug, cursor));
