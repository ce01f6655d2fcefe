import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { portalApi, portalBlob, type ListPage } from './client';
import type { DocumentDetail, PortalDocument } from '../types';

export type PortalDocumentKind = 'invoices' | 'credit-notes';

/** GET /portal/{slug}/invoices|credit-notes (a page; `cursor` from the previous one). */
export const documentsOptions = (
  slug: string,
  kind: PortalDocumentKind,
  status: string | undefined,
  cursor: string | undefined,
) =>
  queryOptions({
    queryKey: ['portal', slug, kind, { status, cursor }],
    queryFn: () =>
      portalApi<ListPage<PortalDocument>>(
        slug,
        `/${kind}?${new URLSearchParams({ limit: '25', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) }).toString()}`,
      ),
    placeholderData: keepPreviousData,
  });

export const useDocuments = (
  slug: string,
  kind: PortalDocumentKind,
  status: string | undefined,
  cursor: string | undefined,
) => useQuery(documentsOptions(slug, kind, status, cursor));

/** GET /portal/{slug}/invoices/{id} (lines and what was applied to it). */
export const documentOptions = (slug: string, kind: PortalDocumentKind, id: string) =>
  queryOptions({
    queryKey: ['portal', slug, kind, id],
    queryFn: () => portalApi<DocumentDetail>(slug, `/${kind}/${encodeURIComponent(id)}`),
  });

export const useDocument = (slug: string, kind: PortalDocumentKind, id: string) =>
  useQuery(documentOptions(slug, kind, id));

/** GET /portal/{slug}/invoices/{id}/pdf */
export const downloadInvoicePdf = (slug: string, id: number) => portalBlob(slug, `/invoices/${id}/pdf`);
