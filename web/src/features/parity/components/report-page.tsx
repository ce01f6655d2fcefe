import { Link } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { ErrorState, Loading } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { formatDateTime } from '../../../lib/format';
import { useDownloadExport, type ExportFormat } from '../api/download-export';
import { useReport } from '../api/get-report';
import { displayDigits, formatDecimal, formatRate, isZero } from '../../../lib/decimal';
import type { ParityReport } from '../types';
import { GateABadge, StatusBadge } from './gate-a-badge';
import { GateAChecklist } from './gate-a-checklist';
import { MismatchList } from './mismatch-list';
import { describeSource } from './reports-page';
import { signOffBlockedReason, SignOffAction } from './sign-off';
import { can, useSession } from '../../../lib/auth';
import '../parity.css';

function Card({
  label,
  value,
  sub,
  tone,
  testId,
}: {
  label: string;
  value: string;
  sub?: string;
  tone?: 'ok' | 'warn' | 'bad';
  testId?: string;
}) {
  return (
    <div className={`stat-card ${tone ? `stat-${tone}` : ''}`} data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub && <div className="stat-sub">{sub}</div>}
    </div>
  );
}

const KIND_WORDS: Record<string, [string, string]> = {
  historical: ['historical', 'historical'],
  canonical: ['canonical case', 'canonical cases'],
  generated: ['generated', 'generated'],
  rows: ['given row', 'given rows'],
};

/** Where the compared employees came from: "1,200 historical (3 batches) + 10 canonical cases". */
export function employeeBreakdown(r: ParityReport): string | null {
  const byKind = new Map<string, { employees: number; batches: number }>();
  for (const b of r.batches as { kind?: string; employees?: number }[]) {
    if (!b || typeof b.kind !== 'string' || typeof b.employees !== 'number') return null;
    const k = byKind.get(b.kind) ?? { employees: 0, batches: 0 };
    byKind.set(b.kind, { employees: k.employees + b.employees, batches: k.batches + 1 });
  }
  if (byKind.size === 0) return null;
  return [...byKind.entries()]
    .map(([kind, { employees, batches }]) => {
      const [one, many] = KIND_WORDS[kind] ?? [kind, kind];
      const batchNote = kind === 'historical' ? ` (${batches} batch${batches === 1 ? '' : 'es'})` : '';
      return `${employees.toLocaleString('en-US')} ${employees === 1 ? one : many}${batchNote}`;
    })
    .join(' + ');
}

function SummaryCards({ r }: { r: ParityReport }) {
  const clean = r.mismatched === 0;
  return (
    <div className="stat-grid" data-testid="summary">
      <Card
        label="Employees compared"
        value={r.employees.toLocaleString()}
        sub={employeeBreakdown(r) ?? describeSource(r.source)}
        testId="stat-employees"
      />
      <Card
        label="Match rate"
        value={formatRate(r.matchRate)}
        sub={`${r.matched.toLocaleString()} identical on every output`}
        tone={clean ? 'ok' : 'warn'}
        testId="stat-match-rate"
      />
      <Card
        label="Mismatched employees"
        value={r.mismatched.toLocaleString()}
        sub={
          r.mismatched
            ? `${r.withinTolerance.toLocaleString()} within 0.01 · ${(r.mismatched - r.withinTolerance).toLocaleString()} over`
            : 'none'
        }
        tone={clean ? 'ok' : r.mismatched === r.withinTolerance ? 'warn' : 'bad'}
        testId="stat-mismatched"
      />
      <Card
        label="Max |diff|"
        value={formatDecimal(r.maxAbsDiff, displayDigits(r.maxAbsDiff))}
        sub="largest difference on any output"
        tone={isZero(r.maxAbsDiff) ? 'ok' : r.mismatched === r.withinTolerance ? 'warn' : 'bad'}
        testId="stat-max-diff"
      />
    </div>
  );
}

function ByOutput({ r }: { r: ParityReport }) {
  const rows = Object.entries(r.byOutput);
  return (
    <section className="panel" aria-label="By output">
      <div className="panel-header">
        <h2>By output</h2>
      </div>
      {rows.length === 0 ? (
        <div className="panel-pad muted">No outputs were compared.</div>
      ) : (
        <div className="table-x">
        <table className="table by-output-table">
          <thead>
            <tr>
              <th>Output</th>
              <th className="num">Compared</th>
              <th className="num">Mismatched</th>
              <th className="num">Over tolerance</th>
              <th className="num">Max |diff|</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([output, s]) => (
              <tr key={output} data-output={output}>
                <td className="mono">{output}</td>
                <td className="num">{s.compared.toLocaleString()}</td>
                <td className={`num ${s.mismatched ? 'warn' : ''}`}>{s.mismatched.toLocaleString()}</td>
                <td className={`num ${s.overTolerance ? 'bad' : ''}`}>{s.overTolerance.toLocaleString()}</td>
                <td className={`num money ${s.overTolerance ? 'bad' : s.mismatched ? 'warn' : ''}`}>
                  {formatDecimal(s.maxAbsDiff, displayDigits(s.maxAbsDiff))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </section>
  );
}

function Exports({ id }: { id: string }) {
  const dl = useDownloadExport(id);
  const run = (f: ExportFormat) =>
    dl.mutate(f, {
      onSuccess: (name) => toast(`Downloaded ${name}`),
      onError: (e) => toast(`Export failed: ${(e as Error).message}`, 'error'),
    });
  const busy = dl.isPending ? dl.variables : undefined;
  return (
    <>
      <Button onClick={() => run('csv')} busy={busy === 'csv'} disabled={!!busy} data-testid="export-csv">
        Export CSV
      </Button>
      <Button onClick={() => run('xlsx')} busy={busy === 'xlsx'} disabled={!!busy} data-testid="export-xlsx">
        Export XLSX
      </Button>
    </>
  );
}

function SignOffState({ r }: { r: ParityReport }) {
  const session = useSession();
  if (r.signedOffAt)
    return (
      <div className="notice notice-success signed-off" data-testid="signed-off">
        <strong>Signed off</strong> by {r.signedOffBy} on {formatDateTime(r.signedOffAt)}
        {r.signOffNote && <blockquote className="sign-off-note">{r.signOffNote}</blockquote>}
      </div>
    );
  const blocked = signOffBlockedReason(r, can(session, 'parity.signoff'));
  return (
    <div className={`notice ${blocked ? 'notice-muted' : ''}`} data-testid="sign-off-state">
      <strong>Not signed off.</strong> {blocked ?? 'Gate A passed: finance can sign this report off.'}
    </div>
  );
}

/** One parity report: summary, by output, Gate A with evidence, the mismatches, exports and sign-off. */
export function ParityReportPage({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const report = useReport(id);
  if (report.isPending) return <Loading label="Loading the report…" />;
  if (report.isError)
    return (
      <div className="page page-narrow">
        <ErrorState
          error={report.error}
          onRetry={() => void report.refetch()}
          title="Could not load the report"
        />
        <p className="center">
          <Link to="/parity">Back to parity reports</Link>
        </p>
      </div>
    );
  const r = report.data;
  return (
    <div className="page parity-report" data-status={r.status}>
      <div className="breadcrumbs">
        <Link to="/parity">Parity reports</Link> / {r.name}
      </div>
      <div className="page-header">
        <div>
          <h1 className="title-with-badges">
            {r.name} <StatusBadge status={r.status} /> <GateABadge report={r} />
          </h1>
          <p className="subtitle">
            {describeSource(r.source)} · run by {r.createdBy} on {formatDateTime(r.createdAt)}
            {r.durationMs !== null ? ` · ${(r.durationMs / 1000).toFixed(1)} s` : ''}
          </p>
        </div>
        <div className="page-actions">
          {r.status === 'done' && <Exports id={r.id} />}
          <SignOffAction report={r} />
        </div>
      </div>

      {r.status === 'running' ? (
        <div className="panel">
          <Loading label="The report is running in the worker; this page updates when it finishes…" />
        </div>
      ) : r.status === 'failed' ? (
        <div className="panel">
          <div className="state state-error" role="alert">
            <div className="state-title">The run failed</div>
            <div className="state-text">{r.error ?? 'No reason was recorded.'}</div>
          </div>
        </div>
      ) : (
        <>
          <SignOffState r={r} />
          <SummaryCards r={r} />
          <div className="parity-grid">
            <section className="panel" aria-label="Gate A">
              <div className="panel-header">
                <h2>Gate A</h2>
                <GateABadge report={r} />
              </div>
              {r.gateA ? (
                <GateAChecklist checks={r.gateA.checks} report={r} />
              ) : (
                <div className="panel-pad muted">Gate A was not evaluated for this report.</div>
              )}
            </section>
            <ByOutput r={r} />
          </div>
          <MismatchList report={r} />
        </>
      )}
    </div>
  );
}
