import type { ReactNode } from 'react';
import { displayDigits, formatDecimal, formatRate, fracDigits } from '../../../lib/decimal';
import type { GateACheck, ParityReport } from '../types';

const TITLES: Record<string, string> = {
  historical_sample: 'At least 1,000 employees from 3 historical batches',
  within_tolerance: 'Every difference ≤ 0.01',
  canonical_half_even: 'Exact half-even rounding on the 10 canonical cases',
};

type Row = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

function Money({ v, dp }: { v: unknown; dp?: number }) {
  const s = str(v);
  return <>{formatDecimal(s, dp ?? displayDigits(s))}</>;
}

/** A target share as a fraction ("0.1") shown as a percent ("10%"), exactly (no floats). */
function targetPercent(v: string | null): string {
  if (v === null) return '—';
  return formatRate(v, Math.max(0, fracDigits(v) - 2));
}

/** 1200 → "1,200" in a sentence, leaving decimals ("0.01") alone. */
function groupThousands(text: string): string {
  return text.replace(/(?<![\d.,])\d{4,}(?![\d.,])/g, (n) => Number(n).toLocaleString('en-US'));
}

/**
 * The line under a check. The historical check counts only historical employees, while the
 * report's total also has the canonical cases: say so, so 1,200 here and 1,210 on the card agree.
 */
function checkDetail(c: GateACheck, report?: ParityReport): string {
  const detail = groupThousands(c.detail).replace(/^([\d,]+) employees from (\d+) historical batches/, '$1 historical employees from $2 batches');
  if (c.name !== 'historical_sample' || !report) return detail;
  const historical = Number((c.evidence as Row).employees);
  const rest = report.employees - historical;
  if (!Number.isFinite(historical) || rest <= 0) return detail;
  const canonical = (report.batches as { kind?: string; employees?: number }[])
    .filter((b) => b?.kind === 'canonical')
    .reduce((n, b) => n + (b.employees ?? 0), 0);
  const what = canonical === rest ? `the ${rest.toLocaleString('en-US')} canonical cases` : `${rest.toLocaleString('en-US')} more employees`;
  return `${detail}; the report’s ${report.employees.toLocaleString('en-US')} also include ${what}`;
}

/** The evidence of one check, as tables where its shape is known, else as JSON. */
function Evidence({ check }: { check: GateACheck }) {
  const e = check.evidence as Row;
  let body: ReactNode;
  if (check.name === 'historical_sample' && Array.isArray(e.batches)) {
    body = (
      <table className="table table-compact evidence-table">
        <thead>
          <tr>
            <th>Batch</th>
            <th className="num">Employees</th>
          </tr>
        </thead>
        <tbody>
          {(e.batches as Row[]).map((b) => (
            <tr key={String(b.batchId)}>
              <td>{String(b.batchId)}</td>
              <td className="num">{Number(b.employees).toLocaleString()}</td>
            </tr>
          ))}
          <tr className="total-row">
            <td>Total</td>
            <td className="num">{Number(e.employees).toLocaleString()}</td>
          </tr>
        </tbody>
      </table>
    );
  } else if (check.name === 'within_tolerance') {
    const examples = Array.isArray(e.examples) ? (e.examples as Row[]) : [];
    body = (
      <>
        <dl className="evidence-facts">
          <dt>Tolerance</dt>
          <dd className="money">{str(e.tolerance)}</dd>
          <dt>Largest difference</dt>
          <dd className="money">{str(e.maxAbsDiff)}</dd>
          <dt>Differences above tolerance</dt>
          <dd>{str(e.overTolerance)}</dd>
        </dl>
        {examples.length > 0 && (
          <table className="table table-compact evidence-table">
            <thead>
              <tr>
                <th>Employee</th>
                <th>Output</th>
                <th className="num">Legacy</th>
                <th className="num">New</th>
                <th className="num">|diff|</th>
              </tr>
            </thead>
            <tbody>
              {examples.map((x) => {
                const dp = displayDigits(str(x.legacy), str(x.new), str(x.absDiff));
                return (
                  <tr key={`${String(x.employeeId)}-${String(x.output)}`}>
                    <td className="mono">{String(x.employeeId)}</td>
                    <td className="mono">{String(x.output)}</td>
                    <td className="num money">
                      <Money v={x.legacy} dp={dp} />
                    </td>
                    <td className="num money">
                      <Money v={x.new} dp={dp} />
                    </td>
                    <td className="num money bad">
                      <Money v={x.absDiff} dp={dp} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </>
    );
  } else if (check.name === 'canonical_half_even' && Array.isArray(e.cases)) {
    body = (
      <table className="table table-compact evidence-table">
        <thead>
          <tr>
            <th>Case</th>
            <th className="num">Base</th>
            <th className="num">Target</th>
            <th className="num">Expected</th>
            <th className="num">Legacy</th>
            <th className="num">New</th>
          </tr>
        </thead>
        <tbody>
          {(e.cases as Row[]).map((c) => {
            const dp = 2;
            const bad = (v: unknown) => (str(v) !== str(c.expected) ? 'bad' : '');
            return (
              <tr key={String(c.employeeId)}>
                <td className="mono">{String(c.employeeId)}</td>
                <td className="num money">
                  <Money v={c.baseSalary} />
                </td>
                <td className="num money">{targetPercent(str(c.targetPct))}</td>
                <td className="num money">
                  <Money v={c.expected} dp={dp} />
                </td>
                <td className={`num money ${bad(c.legacy)}`}>
                  <Money v={c.legacy} dp={dp} />
                </td>
                <td className={`num money ${bad(c.new)}`}>
                  <Money v={c.new} dp={dp} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    );
  } else {
    body = <pre className="evidence-json">{JSON.stringify(e, null, 2)}</pre>;
  }
  return <div className="evidence">{body}</div>;
}

/** Gate A: each check with pass/fail, what was measured, and its evidence on demand. */
export function GateAChecklist({ checks, report }: { checks: GateACheck[]; report?: ParityReport }) {
  return (
    <ul className="gate-list" data-testid="gate-a">
      {checks.map((c) => (
        <li
          key={c.name}
          className={`gate-item ${c.passed ? 'ok' : 'bad'}`}
          data-check={c.name}
          data-passed={c.passed}
        >
          <details>
            <summary>
              <span className="gate-mark" aria-label={c.passed ? 'passed' : 'failed'}>
                {c.passed ? '✓' : '✗'}
              </span>
              <span className="gate-text">
                <span className="gate-name">{TITLES[c.name] ?? c.name}</span>
                <span className="gate-detail">{checkDetail(c, report)}</span>
              </span>
              <span className="gate-more muted small">Evidence</span>
            </summary>
            <Evidence check={c} />
          </details>
        </li>
      ))}
    </ul>
  );
}
