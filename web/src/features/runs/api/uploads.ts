import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { api, type ListPage } from '../../../lib/api-client';
import { tusUpload, type TusProgress } from '../../../lib/tus';
import type { MappingSuggestions, PlanSummary, Preview, Upload, UploadProblem } from '../types';
import { runKeys } from './keys';

const base = (tid: string) => `/api/v1/tenants/${tid}/uploads`;
const PROCESSING = new Set(['uploading', 'uploaded', 'scanning', 'parsing']);

/**
 * Send a file with tus (resumable: a broken connection or a reload continues from the server's
 * offset). Exposes progress, a pause (abort; start again resumes) and the upload id the gateway
 * names in the last answer (Upload-Id).
 */
export function useTusUpload(tid: string) {
  const [progress, setProgress] = useState<TusProgress | null>(null);
  const [state, setState] = useState<'idle' | 'sending' | 'paused' | 'done' | 'error'>('idle');
  const [error, setError] = useState<unknown>(null);
  const [uploadId, setUploadId] = useState<number | null>(null);
  const [resumed, setResumed] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const start = useCallback(
    async (file: File) => {
      abort.current = new AbortController();
      setState('sending');
      setError(null);
      try {
        const r = await tusUpload({ endpoint: `${base(tid)}/tus`, file, onProgress: setProgress, signal: abort.current.signal });
        setResumed(r.resumed);
        const id = Number(r.headers.get('Upload-Id'));
        setUploadId(Number.isFinite(id) && id > 0 ? id : null);
        setState('done');
      } catch (err) {
        if ((err as Error).name === 'AbortError') setState('paused');
        else {
          setError(err);
          setState('error');
        }
      }
    },
    [tid],
  );
  const pause = useCallback(() => abort.current?.abort(), []);
  return { start, pause, progress, state, error, uploadId, resumed };
}

/** GET .../uploads/{id}; polls while the file is scanned and parsed. */
export const uploadQueryOptions = (tid: string, id: number) =>
  queryOptions({
    queryKey: runKeys.upload(tid, id),
    queryFn: ({ signal }) => api<Upload>(`${base(tid)}/${id}`, { signal }),
    refetchInterval: (q) => (q.state.data && !PROCESSING.has(q.state.data.status) ? false : 1000),
  });
export const useUpload = (tid: string, id: number | null) => useQuery({ ...uploadQueryOptions(tid, id ?? 0), enabled: id !== null });

/** POST .../uploads/{id}/mapping-suggestions?plan_id=: a target and a confidence per column. */
export const useMappingSuggestions = (tid: string, id: number | null, planId: string | null) =>
  useQuery({
    queryKey: runKeys.suggestions(tid, id ?? 0, planId ?? ''),
    queryFn: ({ signal }) => api<MappingSuggestions>(`${base(tid)}/${id}/mapping-suggestions`, { method: 'POST', query: { plan_id: planId }, body: {}, signal }),
    enabled: id !== null && !!planId,
    staleTime: Infinity,
  });

/** PUT .../uploads/{id}/mapping: recomputes every row's inputs and the validation report. */
export function useSaveMapping(tid: string, id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { planId: string; columns: Record<string, string | null>; savePreset?: { name: string } }) =>
      api<Upload>(`${base(tid)}/${id}/mapping`, { method: 'PUT', body }),
    onSuccess: (upload) => qc.setQueryData(runKeys.upload(tid, id), upload),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: runKeys.preview(tid, id) });
      void qc.invalidateQueries({ queryKey: runKeys.problems(tid, id) });
    },
  });
}

/** GET .../uploads/{id}/preview?limit=100: the first rows with the mapping applied. */
export const usePreview = (tid: string, id: number, enabled: boolean) =>
  useQuery({ queryKey: runKeys.preview(tid, id), queryFn: ({ signal }) => api<Preview>(`${base(tid)}/${id}/preview`, { query: { limit: 100 }, signal }), enabled });

/** GET .../uploads/{id}/problems: the validation report. */
export const useProblems = (tid: string, id: number, enabled: boolean) =>
  useQuery({
    queryKey: runKeys.problems(tid, id),
    queryFn: ({ signal }) => api<ListPage<UploadProblem>>(`${base(tid)}/${id}/problems`, { query: { limit: 200 }, signal }),
    enabled,
  });

/** The report as CSV, for download. */
export const problemsCsvPath = (tid: string, id: number) => `${base(tid)}/${id}/problems.csv`;

/** Locked plan versions a run can use (GET .../bonus-plans). */
export const useLockedPlans = (tid: string) =>
  useQuery({
    queryKey: runKeys.plans(tid),
    queryFn: ({ signal }) => api<ListPage<PlanSummary>>(`/api/v1/tenants/${tid}/bonus-plans`, { query: { limit: 200 }, signal }),
    select: (page) => page.data.filter((p) => p.status === 'locked'),
  });
