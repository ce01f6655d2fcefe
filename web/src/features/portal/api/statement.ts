import { queryOptions, useQuery } from '@tanstack/react-query';
import { portalApi } from './client';
import type { Statement } from '../types';

/** GET /portal/{slug}/statement?from&to */
export const statementOptions = (slug: string, from: string, to: string) =>
  queryOptions({
    queryKey: ['portal', slug, 'statement', { from, to }],
    queryFn: () => portalApi<Statement>(slug, `/statement?${new URLSearchParams({ from, to }).toString()}`),
  });

export const useStatement = (slug: string, from: string, to: string, enabled = true) =>
  useQuery({ ...statementOptions(slug, from, to), enabled });
