import { Link, useLocation } from '../../../app/router';
import { Badge } from '../../../components/ui/badge';
import { ErrorState, Loading } from '../../../components/ui/states';
import { useEmployee } from '../api/get-employee';
import { useReport } from '../api/get-report';
import { displayDigits, formatDecimal, isZero, subtract } from '../../../lib/decimal';
import type { EmployeeDrillDown } from '../types';
import { employeePath } from './mismatch-list';
import '../parity.css';

/** The employee's two tapes side by side: one line per plan step, the first differing step marked. */
function Tapes({ d }: { d: EmployeeDrillDown }) {
  return (
    <table className="table tape-table" data-testid="tapes">
      <thead>
        <tr>
          <th className="num">#</th>
          <th>Step</th>
          <th>Output</th>
          <th className="num">Legacy</th>
          <th className="num">New</th>
          <th className="num">Diff (new − legacy)</th>
        </tr>
      </thead>
      <tbody>
        {d.steps.map((s, i) => {
          const diff = subtract(s.legacy, s.new);
          const dp = displayDigits(s.legacy, s.new, diff);
          const differs =
            s.differs || (diff !== null && !isZero(diff)) || (s.legacy === null) !== (s.new === null);
          return (
            <tr
              key={s.key}
              className={`${differs ? 'differs' : ''} ${s.first ? 'first-diff' : ''}`}
              data-step={s.key}
              data-first={s.first || undefined}
            >
              <td className="num muted">{i + 1}</td>
              <td className="mono">
                {s.key}
                {s.first && (
                  <span className="first-marker" title="The first step, in plan order, whose value differs">
                    first difference
                  </span>
                )}
              </td>
              <td className="mono muted">{s.output}</td>
              <td className="num money">{formatDecimal(s.legacy, dp)}</td>
              <td className="num money">{formatDecimal(s.new, dp)}</td>
              <td className={`num money ${differs ? 'bad' : 'muted'}`}>
                {diff === null
                  ? s.legacy === s.new
                    ? '—'
                    : 'missing'
                  : isZero(diff)
                    ? '0'
                    : `${diff.startsWith('-') ? '' : '+'}${formatDecimal(diff, dp)}`}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Inputs({ inputs }: { inputs: Record<string, string> }) {
  const entries = Object.entries(inputs);
  if (entries.length === 0) return <div className="panel-pad muted">No inputs recorded.</div>;
  return (
    <dl className="inputs-list">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt className="mono">{k}</dt>
          <dd className="mono">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Drill-down into one employee of a parity report. */
export function ParityEmployeePage({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const employeeId = params.employeeId ?? '';
  const { search } = useLocation();
  const batchId = search.get('batchId') ?? undefined;
  const report = useReport(id);
  const q = useEmployee(id, employeeId, batchId);
  const reportName = report.data?.name ?? 'Report';

  return (
    <div className="page parity-employee">
      <div className="breadcrumbs">
        <Link to="/parity">Parity reports</Link> / <Link to={`/parity/${id}`}>{reportName}</Link> /{' '}
        {employeeId}
      </div>
      {q.isPending ? (
        <Loading label="Loading both tapes…" />
      ) : q.isError ? (
        <div className="panel">
          <ErrorState error={q.error} onRetry={() => void q.refetch()} title="Could not load this employee" />
        </div>
      ) : (
        <>
          <div className="page-header">
            <div>
              <h1 className="title-with-badges">
                <span className="mono">{q.data.employeeId}</span>
                {q.data.batchId && <Badge>batch {q.data.batchId}</Badge>}
              </h1>
              <p className="subtitle">
                {q.data.firstDiffStep ? (
                  <>
                    The engines first differ at step{' '}
                    <code data-testid="first-diff-step">{q.data.firstDiffStep}</code>;{' '}
                    {q.data.mismatches.length} output
                    {q.data.mismatches.length === 1 ? ' differs' : 's differ'} (
                    {q.data.mismatches.map((m) => m.output).join(', ')}).
                  </>
                ) : (
                  'No differing step was recorded.'
                )}
              </p>
            </div>
            {q.data.otherBatches.length > 0 && (
              <div className="page-actions other-batches">
                <span className="muted small">Same id in batch</span>
                {q.data.otherBatches.map((b) => (
                  <Link key={b} to={employeePath(id, employeeId, b)} className="btn btn-sm">
                    {b}
                  </Link>
                ))}
              </div>
            )}
          </div>
          <div className="drill-grid">
            <section className="panel" aria-label="Tapes">
              <div className="panel-header">
                <h2>Legacy and new, step by step</h2>
                <span className="legend small">
                  <span className="legend-swatch differs" /> differs{' '}
                  <span className="legend-swatch first-diff" /> first difference
                </span>
              </div>
              <div className="table-scroll">
                <Tapes d={q.data} />
              </div>
              {(q.data.legacyTape.error || q.data.newTape.error) && (
                <div className="panel-pad">
                  {q.data.legacyTape.error && (
                    <div className="form-error">
                      Legacy failed{q.data.legacyTape.error.step ? ` at ${q.data.legacyTape.error.step}` : ''}
                      : {q.data.legacyTape.error.message}
                    </div>
                  )}
                  {q.data.newTape.error && (
                    <div className="form-error">
                      New engine failed{q.data.newTape.error.step ? ` at ${q.data.newTape.error.step}` : ''}:{' '}
                      {q.data.newTape.error.message}
                    </div>
                  )}
                </div>
              )}
            </section>
            <section className="panel" aria-label="Inputs">
              <div className="panel-header">
                <h2>Inputs</h2>
              </div>
              <Inputs inputs={q.data.inputs} />
            </section>
          </div>
        </>
      )}
    </div>
  );
}
