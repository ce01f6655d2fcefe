import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ListPage } from '../../../lib/api-client';
import { PAYMENT_BOOKS, type Payment, type PaymentBody, type PaymentKind } from '../types';
import { aparBase, aparKeys } from './keys';

/** GET …/payments-received|bill-payments?partyId, 50 a page. */
export const paymentsQueryOptions = (tid: string, kind: PaymentKind, filter: { partyId?: number; cursor?: string | null }) =>
  queryOptions({
    queryKey: aparKeys.payments(tid, kind, { ...filter }),
    queryFn: ({ signal }) => api<ListPage<Payment>>(`${aparBase(tid)}/${PAYMENT_BOOKS[kind].path}`, { query: { limit: 50, ...filter }, signal }),
    placeholderData: keepPreviousData,
  });
export const usePayments = (tid: string, kind: PaymentKind, filter: { partyId?: number; cursor?: string | null }) =>
  useQuery(paymentsQueryOptions(tid, kind, filter));

/** GET …/{kind}/{id}: applied, unapplied and the allocations. */
export const paymentQueryOptions = (tid: string, kind: PaymentKind, id: number) =>
  queryOptions({
    queryKey: aparKeys.payment(tid, kind, id),
    queryFn: ({ signal }) => api<Payment>(`${aparBase(tid)}/${PAYMENT_BOOKS[kind].path}/${id}`, { signal }),
  });
export const usePayment = (tid: string, kind: PaymentKind, id: number) => useQuery(paymentQueryOptions(tid, kind, id));

/** POST …/{kind}: record a payment with explicit allocations ([] keeps it all as credit). */
export function useRecordPayment(tid: string, kind: PaymentKind) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PaymentBody) => api<Payment>(`${aparBase(tid)}/${PAYMENT_BOOKS[kind].path}`, { method: 'POST', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.tenant(tid) }),
  });
}

/** POST …/{kind}/{id}/allocations: apply a payment's unapplied credit later. */
export function useAllocatePayment(tid: string, kind: PaymentKind, id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { allocations: Array<{ documentId: number; amount: string }>; date?: string }) =>
      api<Payment>(`${aparBase(tid)}/${PAYMENT_BOOKS[kind].path}/${id}/allocations`, { method: 'POST', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.tenant(tid) }),
  });
}
