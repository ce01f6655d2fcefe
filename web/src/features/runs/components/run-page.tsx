import type { ReactNode } from 'react';
import { Link } from '../../../app/router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ErrorState, Loading } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { can, useSession } from '../../../lib/auth';
import { formatMoney } from '../../../lib/decimal';
import { formatDateTime } from '../../../lib/format';
import { downloadExport, saveBlob } from '../api/results';
import { useRunEvents } from '../api/run-events';
import { useRetryFailures, useRun, useRunFailures } from '../api/runs';
import type { RunState } from '../types';
import { PoolChart } from './pool-chart';
import { ProgressBar } from './progress-bar';
import { ResultsTable } from './results-table';
import '../runs.css';

const TONE: Record<RunState, string> = { queued: 'neutral', running: 'warn', completed: 'ok', failed: 'danger', in_review: 'warn', finalized: 'ok' };

function ExportButtons({ tenantId, runId }: { tenantId: string; runId: number }) {
  const get = (format: 'csv' | 'xlsx' | 'zip') =>
    downloadExport(tenantId, runId, format)
      .then((r) => saveBlob(r.blob, r.filename ?? `run-${runId}.${format}`))
      .catch((err: Error) => toast(err.message, 'error'));
  return (
    <div className="page-actions">
      <Button size="sm" onClick={() => void get('csv')}>
        CSV
      </Button>
      <Button size="sm" onClick={() => void get('xlsx')}>
        XLSX
      </Button>
      <Button size="sm" onClick={() => void get('zip')}>
        Bundle (zip)
      </Button>
    </div>
  );
}

/**
 * One run: live progress while it computes (SSE), totals, pool vs target, failures (re-run them),
 * the results, exports, and — composed by the app — its approval.
 */
export function RunPage({ params, approvalSlot }: { params: Record<string, string>; approvalSlot?: (run: { id: number; status: RunState }) => ReactNode }) {
  const session = useSession();
  const tenantId = session.tenant?.id ?? '';
  const id = Number(params.id);
  const run = useRun(tenantId, id);
  useRunEvents(tenantId, id, run.data?.status);
  const failures = useRunFailures(tenantId, id, (run.data?.totals.failed ?? 0) > 0);
  const retry = useRetryFailures(tenantId, id);
  if (run.isPending) return <Loading label="Loading run…" />;
  if (run.isError) return <ErrorState error={run.error} onRetry={() => void run.refetch()} />;
  const r = run.data;
  const computing = r.status === 'queued' || r.status === 'running';
  return (
    <div className="page" data-testid="run-page" data-status={r.status}>
      <div className="page-header">
        <div>
          <div className="breadcrumbs">
            <Link to="/runs">Runs</Link> / #{r.id}
          </div>
          <h1>
            {r.name ?? `Run ${r.id}`} <Badge tone={TONE[r.status]}>{r.status.replace('_', ' ')}</Badge>
          </h1>
          <p className="subtitle">
            Plan v{r.planVersion ?? '?'} · upload #{r.uploadId} · started by {r.createdBy} {formatDateTime(r.createdAt)}
            {r.finalizedAt && ` · finalized by ${r.finalizedBy} ${formatDateTime(r.finalizedAt)}`}
          </p>
        </div>
        {!computing && <ExportButtons tenantId={tenantId} runId={id} />}
      </div>
      {computing && (
        <section className="panel panel-pad" data-testid="run-progress">
          <ProgressBar value={r.progress.rowsDone} total={r.progress.rowsTotal} label={`${r.progress.rowsDone.toLocaleString()} of ${r.progress.rowsTotal.toLocaleString()} rows`} />
          <p className="muted small">
            Chunk {r.progress.chunksDone} of {r.progress.chunksTotal}. This page updates live.
          </p>
        </section>
      )}
      {r.error && <div className="form-error">{r.error}</div>}
      <div className="run-grid">
        <section className="panel panel-pad">
          <h2>Totals</h2>
          <dl className="kv" data-testid="run-totals">
            <dt>Employees</dt>
            <dd>{r.totals.employees.toLocaleString()}</dd>
            <dt>Succeeded</dt>
            <dd>{r.totals.succeeded.toLocaleString()}</dd>
            <dt>Failed</dt>
            <dd>{r.totals.failed.toLocaleString()}</dd>
            <dt>Total payout</dt>
            <dd className="money">{r.totals.totalPayout === null ? '—' : formatMoney(r.totals.totalPayout)}</dd>
            <dt>Snapshot</dt>
            <dd className="small">
              <code>{r.snapshotHash?.slice(0, 16) ?? '—'}</code>
            </dd>
          </dl>
        </section>
        <section className="panel panel-pad">
          <h2>Pool vs target</h2>
          <PoolChart run={r} />
        </section>
      </div>
      {approvalSlot?.({ id: r.id, status: r.status })}
      {r.totals.failed > 0 && (
        <section className="panel panel-pad">
          <div className="toolbar">
            <h2>Failed rows</h2>
            {can(session, 'runs.retry') && r.status !== 'finalized' && (
              <Button size="sm" busy={retry.isPending} onClick={() => retry.mutate()}>
                Re-run failed rows
              </Button>
            )}
          </div>
          {failures.data && (
            <table className="table table-compact">
              <thead>
                <tr>
                  <th className="num">Row</th>
                  <th>Employee</th>
                  <th>Step</th>
                  <th>Message</th>
                </tr>
              </thead>
              <tbody>
                {failures.data.data.map((f) => (
                  <tr key={f.rowNo}>
                    <td className="num">{f.rowNo}</td>
                    <td>{f.employeeId}</td>
                    <td>{f.step ?? '—'}</td>
                    <td>{f.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {!computing && (
        <section className="panel panel-pad">
          <h2>Results</h2>
          <ResultsTable tenantId={tenantId} runId={id} />
        </section>
      )}
    </div>
  );
}
