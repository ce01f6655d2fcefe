import { useState } from 'react';
import { Link } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { can, useSession } from '../../../lib/auth';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useReports } from '../api/list-reports';
import { formatDecimal, displayDigits, formatRate } from '../../../lib/decimal';
import type { ParityReport } from '../types';
import { EngineGateBanner } from './engine-gate-banner';
import { GateABadge, StatusBadge } from './gate-a-badge';
import { RunParityDialog } from './run-parity-dialog';
import '../parity.css';

/** "historical · all batches", "generated · 1,000 · seed 1". */
export function describeSource(source: unknown): string {
  const s = (source ?? {}) as {
    kind?: string;
    batchIds?: unknown;
    employees?: number;
    seed?: number;
    rows?: unknown[];
  };
  if (s.kind === 'historical')
    return `historical · ${s.batchIds === 'all' ? 'all batches' : `batches ${(s.batchIds as number[] | undefined)?.join(', ') ?? '?'}`}`;
  if (s.kind === 'generated') return `generated · seed ${s.seed ?? '?'}`;
  if (s.kind === 'rows') return `given rows · ${s.rows?.length ?? '?'}`;
  return s.kind ?? 'unknown';
}

function ReportRow({ r }: { r: ParityReport }) {
  return (
    <tr data-report={r.id}>
      <td>
        <Link to={`/parity/${r.id}`} className="strong-link">
          {r.name}
        </Link>
        <div className="summary-plain">
          {describeSource(r.source)} · by {r.createdBy} ·{' '}
          <span title={formatDateTime(r.createdAt)}>{formatRelative(r.createdAt)}</span>
        </div>
      </td>
      <td>
        <StatusBadge status={r.status} />
      </td>
      <td className="num">{r.status === 'running' ? '—' : r.employees.toLocaleString()}</td>
      <td className={`num ${r.matchRate !== null && r.mismatched > 0 ? 'warn' : ''}`}>
        {formatRate(r.matchRate)}
      </td>
      <td className={`num money ${r.mismatched > 0 ? 'warn' : ''}`}>
        {r.status === 'done' ? formatDecimal(r.maxAbsDiff, displayDigits(r.maxAbsDiff)) : '—'}
      </td>
      <td>
        <GateABadge report={r} />
      </td>
      <td>
        {r.signedOffAt ? (
          <span className="signed-cell">
            <span className="signed-by">✓ {r.signedOffBy}</span>
            <span className="muted small">{formatDateTime(r.signedOffAt)}</span>
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

/** Engine parity reports, newest first, and the form to run a new one. */
export function ParityReportsPage() {
  const session = useSession();
  const reports = useReports();
  const [running, setRunning] = useState(false);
  const rows = reports.data?.pages.flatMap((p) => p.data) ?? [];
  const total = reports.data?.pages[0]?.total ?? 0;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Parity reports</h1>
          <p className="subtitle">
            The legacy engine and the new engine on the same employees, compared to the cent. Finance signs
            off a report whose Gate A passed.
          </p>
        </div>
        <div className="page-actions">
          {can(session, 'parity.run') && (
            <Button variant="primary" onClick={() => setRunning(true)}>
              Run parity…
            </Button>
          )}
        </div>
      </div>
      <EngineGateBanner />
      <section className="panel" aria-label="Parity reports">
        {reports.isPending ? (
          <Loading label="Loading parity reports…" />
        ) : reports.isError ? (
          <ErrorState
            error={reports.error}
            onRetry={() => void reports.refetch()}
            title="Could not load the parity reports"
          />
        ) : rows.length === 0 ? (
          <Empty title="No parity reports yet">
            {can(session, 'parity.run')
              ? 'Run one on the historical legacy batches to see how the new engine compares.'
              : 'Ops or finance run them; they appear here.'}
          </Empty>
        ) : (
          <>
            <div className="table-scroll">
              <table className="table parity-reports-table">
                <thead>
                  <tr>
                    <th>Report</th>
                    <th>Status</th>
                    <th className="num">Employees</th>
                    <th className="num">Match rate</th>
                    <th className="num">Max |diff|</th>
                    <th>Gate A</th>
                    <th>Signed off</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <ReportRow key={r.id} r={r} />
                  ))}
                </tbody>
              </table>
            </div>
            <div className="table-foot">
              <span className="muted small">
                {rows.length} of {total} report{total === 1 ? '' : 's'}
              </span>
              {reports.hasNextPage && (
                <Button
                  size="sm"
                  onClick={() => void reports.fetchNextPage()}
                  busy={reports.isFetchingNextPage}
                >
                  Load older reports
                </Button>
              )}
            </div>
          </>
        )}
      </section>
      <RunParityDialog open={running} onClose={() => setRunning(false)} />
    </div>
  );
}
