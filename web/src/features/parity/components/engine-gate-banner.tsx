import { Link } from '../../../app/router';
import { useEngineGate } from '../api/get-engine-gate';

/** One line above the reports: does the engine cutover gate pass, and on which report. */
export function EngineGateBanner() {
  const gate = useEngineGate();
  if (gate.isPending)
    return <div className="engine-gate engine-gate-loading muted small">Checking the engine gate…</div>;
  if (gate.isError)
    return (
      <div className="engine-gate engine-gate-error small">
        The engine gate could not be read: {(gate.error as Error).message}
      </div>
    );
  const g = gate.data;
  const report = g.signedOffReport ?? g.latestReport;
  return (
    <div
      className={`engine-gate ${g.passed ? 'engine-gate-ok' : 'engine-gate-bad'}`}
      data-testid="engine-gate"
      data-passed={g.passed}
    >
      <span className="engine-gate-mark" aria-hidden>
        {g.passed ? '✓' : '✗'}
      </span>
      <span>
        <strong>Engine cutover gate {g.passed ? 'passes' : 'does not pass'}.</strong> {/[.!?]$/.test(g.detail.trim()) ? g.detail.trim() : `${g.detail.trim()}.`}
        {report && (
          <>
            {' '}
            <Link to={`/parity/${report.id}`}>Open “{report.name}”</Link>
          </>
        )}
      </span>
    </div>
  );
}
