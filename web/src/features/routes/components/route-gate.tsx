import { useLayoutEffect, useRef, useState } from 'react';
import { Link } from '../../../app/router';
import { ErrorState, Loading } from '../../../components/ui/states';
import { formatDateTime } from '../../../lib/format';
import { useRouteGate } from '../api/get-route-gate';
import type { Route } from '../types';
import { blockedBySentence, describeGateCheck, GATE_CHECK_NAMES } from '../gate-labels';
import type { RouteGateEvaluation } from '../types-gate';
import './route-gate.css';

function Evidence({ g }: { g: RouteGateEvaluation }) {
  const t = g.evidence.totals;
  const engine = g.evidence.engine;
  return (
    <>
      <ul className="route-gate-checks">
        {g.checks.map((c) => {
          const t = describeGateCheck(c);
          return (
            <li key={c.name} className={c.passed ? 'ok' : 'bad'} data-check={c.name}>
              <span className="mark" aria-label={c.passed ? 'passed' : 'failed'}>
                {c.passed ? '✓' : '✗'}
              </span>
              <div className="check-body">
                <div className="check-line">
                  <span className="check-name">{t.label}</span>
                  <span className="check-value">
                    {t.value && <span className={/^[\d−-]/.test(t.value) ? 'num' : ''}>{t.value}</span>}{' '}
                    {t.needs && <span className="muted small">(needs {t.needs})</span>}
                  </span>
                </div>
                {c.detail && <div className="muted small">{c.detail}</div>}
              </div>
            </li>
          );
        })}
      </ul>
      <div className="route-gate-evidence small muted">
        Last{' '}
        {g.evidence.windowMinutes >= 60
          ? `${Math.round(g.evidence.windowMinutes / 60)} h`
          : `${g.evidence.windowMinutes} min`}
        : {t.samples} samples, {t.matches} matched, {t.mismatches} mismatched, {t.noise} noise, {t.errors}{' '}
        errors, {t.skipped} skipped · p99 legacy {t.legacy.p99Ms ?? '–'} ms, new {t.new.p99Ms ?? '–'} ms ·
        evaluated {formatDateTime(g.evidence.evaluatedAt)}
      </div>
      {engine?.reportId && (
        <div className="route-gate-evidence small">
          Engine parity: <Link to={`/parity/${engine.reportId}`}>open the parity report</Link>
        </div>
      )}
    </>
  );
}

/**
 * The route's parity gate next to its mode switch: a pass/fail badge (from the route list's
 * `gate` summary) that opens a small panel with every check and the evidence (GET /_fig/routes/{key}/gate).
 */
export function RouteGateBadge({ route }: { route: Route }) {
  const [open, setOpen] = useState(false);
  const [pos, setPos] = useState<{ top?: number; bottom?: number; left: number; maxHeight: number } | null>(
    null,
  );
  const btn = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const gate = useRouteGate(route.key, open);

  // A fixed-position panel (the route table scrolls and would clip an absolute one), kept on
  // screen and following its badge when the page or the table scrolls.
  useLayoutEffect(() => {
    if (!open) return;
    const place = () => {
      if (!btn.current) return;
      const r = btn.current.getBoundingClientRect();
      const width = 440;
      const left = Math.max(8, Math.min(r.right - width, window.innerWidth - width - 8));
      const below = window.innerHeight - r.bottom - 14;
      const above = r.top - 14;
      // Open downwards unless the room below is small and there is more above.
      setPos(
        below >= 360 || below >= above
          ? { top: r.bottom + 6, left, maxHeight: below }
          : { bottom: window.innerHeight - r.top + 6, left, maxHeight: above },
      );
    };
    place();
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent && e.key !== 'Escape') return;
      if (
        e instanceof MouseEvent &&
        (panel.current?.contains(e.target as Node) || btn.current?.contains(e.target as Node))
      )
        return;
      setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    window.addEventListener('resize', place);
    document.addEventListener('scroll', place, true);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
      window.removeEventListener('resize', place);
      document.removeEventListener('scroll', place, true);
    };
  }, [open]);

  const g = route.gate;
  if (!g) return null;
  // Without a hosted module the gate cannot pass and the mode switch already says so: keep it quiet.
  const noModule = !g.passed && g.failing.length === 1 && g.failing[0] === 'servable';
  const tone = g.passed ? 'ok' : noModule ? 'na' : 'bad';
  const title = g.passed
    ? 'Parity gate passes: canary and new are allowed'
    : noModule
      ? 'No module serves this route yet: it can only be legacy'
      : `${blockedBySentence(g.blockedBy) || 'Parity gate fails'}: ${g.failing.map((f) => GATE_CHECK_NAMES[f] ?? f).join(', ')}`;
  return (
    <span className="route-gate">
      <button
        ref={btn}
        type="button"
        className={`route-gate-badge ${tone}`}
        title={title}
        aria-expanded={open}
        aria-label={`${title}. Show the evidence`}
        data-testid="route-gate"
        data-passed={g.passed}
        onClick={() => setOpen((o) => !o)}
      >
        {g.passed ? '✓ gate' : noModule ? 'gate' : `✗ ${g.blockedBy?.filter((k) => k !== 'module').join(' + ') || 'gate'} (${g.failing.length})`}
      </button>
      {open && pos && (
        <div
          ref={panel}
          className="route-gate-panel"
          role="dialog"
          aria-label={`Parity gate of ${route.key}`}
          style={pos}
          data-testid="route-gate-panel"
        >
          <div className="route-gate-head">
            <strong>Parity gate</strong>
            <span className="route-key">{route.key}</span>
          </div>
          {!g.passed && !noModule && g.blockedBy && (
            <p className="route-gate-note small" data-testid="route-gate-blocked-by">
              {blockedBySentence(g.blockedBy)}.
            </p>
          )}
          {noModule && (
            <p className="route-gate-note small">
              No module serves this route yet: it can only be legacy. The gate below cannot pass until a
              fig module hosts the route.
            </p>
          )}
          {gate.isPending ? (
            <Loading label="Evaluating the gate…" />
          ) : gate.isError ? (
            <ErrorState
              error={gate.error}
              onRetry={() => void gate.refetch()}
              title="Could not read the gate"
            />
          ) : (
            <Evidence g={gate.data} />
          )}
        </div>
      )}
    </span>
  );
}
