import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { SavedView, SavedViewBody } from '../types';
import { aparBase, aparKeys } from './keys';

/** GET …/saved-views?list: the signed-in user's views of one list. */
export const useSavedViews = (tid: string, list: SavedView['list']) =>
  useQuery({
    queryKey: aparKeys.views(tid, list),
    queryFn: ({ signal }) => api<{ data: SavedView[] }>(`${aparBase(tid)}/saved-views`, { query: { list }, signal }),
  });

/** POST …/saved-views: name the current filters. */
export function useSaveView(tid: string, list: SavedView['list']) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SavedViewBody) => api<SavedView>(`${aparBase(tid)}/saved-views`, { method: 'POST', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.views(tid, list) }),
  });
}

/** DELETE …/saved-views/{id}. */
export function useDeleteView(tid: string, list: SavedView['list']) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`${aparBase(tid)}/saved-views/${id}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: aparKeys.views(tid, list) }),
  });
}
