import { useEffect, useMemo, useState } from 'react';
import { Link, navigate } from '../../../app/router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { MISMATCH_PAGE_SIZE, useMismatches } from '../api/list-mismatches';
import { displayDigits, formatDecimal } from '../../../lib/decimal';
import type { MismatchFilters, ParityReport } from '../types';

const DECIMAL = /^\d+(\.\d+)?$/;

/** A link to one employee's drill-down (the batch matters: employee ids repeat across batches). */
export function employeePath(reportId: string, employeeId: string, batchId: string | null): string {
  const q = batchId ? `?batchId=${encodeURIComponent(batchId)}` : '';
  return `/parity/${reportId}/employees/${encodeURIComponent(employeeId)}${q}`;
}

/** Mismatches of a report, largest difference first, filtered by output and minimum difference, paged. */
export function MismatchList({ report }: { report: ParityReport }) {
  const outputs = useMemo(() => Object.keys(report.byOutput), [report.byOutput]);
  const [output, setOutput] = useState('');
  const [minDiffText, setMinDiffText] = useState('');
  const [minDiff, setMinDiff] = useState('');
  const [overOnly, setOverOnly] = useState(false);
  // Cursor of each page visited so far: Previous pops, Next pushes.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);

  const minDiffValid = minDiffText.trim() === '' || DECIMAL.test(minDiffText.trim());
  useEffect(() => {
    if (!minDiffValid) return;
    const t = setTimeout(() => setMinDiff(minDiffText.trim()), 350);
    return () => clearTimeout(t);
  }, [minDiffText, minDiffValid]);

  const filters: MismatchFilters = useMemo(
    () => ({
      output: output || undefined,
      minDiff: minDiff || undefined,
      overToleranceOnly: overOnly || undefined,
    }),
    [output, minDiff, overOnly],
  );
  useEffect(() => setCursors([undefined]), [filters]);

  const cursor = cursors[cursors.length - 1];
  const q = useMismatches(report.id, filters, cursor, report.status === 'done');
  const pageIndex = cursors.length - 1;
  const filtered = !!(filters.output || filters.minDiff || filters.overToleranceOnly);

  let body;
  if (report.status !== 'done')
    body = (
      <Empty title="No mismatches to show">
        {report.status === 'running' ? 'The run is still going.' : 'The run failed before comparing.'}
      </Empty>
    );
  else if (q.isPending) body = <Loading label="Loading mismatches…" />;
  else if (q.isError)
    body = (
      <ErrorState error={q.error} onRetry={() => void q.refetch()} title="Could not load the mismatches" />
    );
  else if (q.data.data.length === 0)
    body = filtered ? (
      <Empty title="No mismatch matches these filters">
        <button
          type="button"
          className="link"
          onClick={() => {
            setOutput('');
            setMinDiffText('');
            setMinDiff('');
            setOverOnly(false);
          }}
        >
          Clear filters
        </button>
      </Empty>
    ) : (
      <Empty title="No mismatches">Every output of every employee is identical on both engines.</Empty>
    );
  else {
    const from = pageIndex * MISMATCH_PAGE_SIZE + 1;
    const to = from + q.data.data.length - 1;
    body = (
      <>
        <div className="table-scroll">
          <table className={`table mismatch-table ${q.isFetching ? 'is-stale' : ''}`}>
            <thead>
              <tr>
                <th>Employee</th>
                <th>Batch</th>
                <th>Output</th>
                <th className="num">Legacy</th>
                <th className="num">New</th>
                <th className="num">|diff|</th>
                <th>Tolerance</th>
                <th>First differing step</th>
              </tr>
            </thead>
            <tbody>
              {q.data.data.map((m) => {
                const dp = displayDigits(m.legacyValue, m.newValue, m.absDiff);
                const to = employeePath(report.id, m.employeeId, m.batchId);
                return (
                  <tr
                    key={m.id}
                    className="clickable"
                    data-employee={m.employeeId}
                    onClick={() => navigate(to)}
                  >
                    <td className="mono">
                      <Link to={to} onClick={(e) => e.stopPropagation()}>
                        {m.employeeId}
                      </Link>
                    </td>
                    <td className="mono muted">{m.batchId ?? '—'}</td>
                    <td className="mono">{m.output}</td>
                    <td className="num money">{formatDecimal(m.legacyValue, dp)}</td>
                    <td className="num money">{formatDecimal(m.newValue, dp)}</td>
                    <td className={`num money ${m.withinTolerance ? 'warn' : 'bad'}`}>
                      {m.absDiff === null ? 'missing' : formatDecimal(m.absDiff, dp)}
                    </td>
                    <td>
                      {m.withinTolerance ? (
                        <Badge tone="warn">within 0.01</Badge>
                      ) : (
                        <Badge tone="bad">over</Badge>
                      )}
                    </td>
                    <td className="mono">{m.firstDiffStep ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="table-foot">
          <span className="muted small" data-testid="mismatch-range">
            {from.toLocaleString()}–{to.toLocaleString()} of {q.data.total.toLocaleString()}
          </span>
          <span className="pager">
            <Button size="sm" disabled={pageIndex === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
              ‹ Previous
            </Button>
            <Button
              size="sm"
              disabled={!q.data.hasMore || !q.data.nextCursor}
              busy={q.isFetching && !q.isPending}
              onClick={() => setCursors((c) => [...c, q.data.nextCursor ?? undefined])}
            >
              Next ›
            </Button>
          </span>
        </div>
      </>
    );
  }

  return (
    <section className="panel" aria-label="Mismatches">
      <div className="panel-header">
        <h2>Mismatches</h2>
        <div className="mismatch-filters">
          <label className="inline-field">
            <span>Output</span>
            <select
              value={output}
              onChange={(e) => setOutput(e.target.value)}
              aria-label="Filter by output"
              disabled={report.status !== 'done'}
            >
              <option value="">All outputs</option>
              {outputs.map((o) => (
                <option key={o} value={o}>
                  {o}
                  {report.byOutput[o]?.mismatched ? ` (${report.byOutput[o].mismatched})` : ''}
                </option>
              ))}
            </select>
          </label>
          <label className={`inline-field ${minDiffValid ? '' : 'field-invalid'}`}>
            <span>Min |diff|</span>
            <input
              type="text"
              inputMode="decimal"
              className="num-input min-diff"
              placeholder="0.00"
              aria-label="Minimum difference"
              aria-invalid={!minDiffValid || undefined}
              title={minDiffValid ? 'Only differences at least this large' : 'A plain decimal like 0.01'}
              value={minDiffText}
              onChange={(e) => setMinDiffText(e.target.value)}
              disabled={report.status !== 'done'}
            />
          </label>
          <label className="check small">
            <input
              type="checkbox"
              checked={overOnly}
              onChange={(e) => setOverOnly(e.target.checked)}
              disabled={report.status !== 'done'}
            />{' '}
            Over tolerance only
          </label>
        </div>
      </div>
      {!minDiffValid && (
        <div className="field-error panel-pad">Min |diff| must be a plain decimal like 0.01.</div>
      )}
      {body}
    </section>
  );
}
