import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { subscribeSse } from '../../../lib/sse';
import type { RunProgress, RunState, RunView } from '../types';
import { runKeys } from './keys';

const SETTLED: RunState[] = ['completed', 'failed', 'in_review', 'finalized'];

/**
 * Live progress of a run over SSE (GET .../runs/{id}/events) while it is queued or running: each
 * event updates the cached run, and the settled state refetches it (totals). Returns the last event.
 */
export function useRunEvents(tid: string, id: number, status: RunState | undefined): RunProgress | undefined {
  const qc = useQueryClient();
  const [last, setLast] = useState<RunProgress>();
  const live = status !== undefined && !SETTLED.includes(status);
  useEffect(() => {
    if (!live) return;
    const sub = subscribeSse(`/api/v1/tenants/${tid}/runs/${id}/events`, (m) => {
      if (m.event !== 'progress') return;
      const p = JSON.parse(m.data) as RunProgress;
      setLast(p);
      qc.setQueryData<RunView>(runKeys.detail(tid, id), (run) =>
        run
          ? {
              ...run,
              status: p.status,
              progress: { ...run.progress, rowsDone: p.rowsDone, rowsTotal: p.rowsTotal, chunksDone: p.chunksDone, chunksTotal: p.chunksTotal, percent: p.rowsTotal ? (100 * p.rowsDone) / p.rowsTotal : 0 },
            }
          : run,
      );
      if (SETTLED.includes(p.status)) {
        sub.close();
        void qc.invalidateQueries({ queryKey: ['runs', tid] });
      }
    });
    return () => sub.close();
  }, [tid, id, live, qc]);
  return last;
}
