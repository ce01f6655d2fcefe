import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ModeBadge } from '../../../components/ui/badge';
import { FormError } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { ApiError } from '../../../lib/api-client';
import { useFlipRoute } from '../api/flip-route';
import { describeGateCheck } from '../gate-labels';
import type { Route, RouteMode } from '../types';

interface GateCheck {
  name: string;
  passed: boolean;
  actual: string | number | null;
  required: string | number;
}

/** The parity gate's checks from a FIG_GATE_FAILED problem, as a small table. */
function GateChecks({ error }: { error: ApiError }) {
  const checks = Array.isArray(error.body.checks) ? (error.body.checks as GateCheck[]) : [];
  return (
    <div className="gate" role="alert" data-testid="gate-failed">
      <div className="gate-title">Parity gate not passed</div>
      {checks.length > 0 && (
        <table className="gate-checks">
          <tbody>
            {checks.map((c) => {
              const t = describeGateCheck(c);
              return (
                <tr key={c.name} className={c.passed ? 'ok' : 'bad'} data-check={c.name}>
                  <td aria-label={c.passed ? 'passed' : 'failed'}>{c.passed ? '✓' : '✗'}</td>
                  <td>{t.label}</td>
                  <td className={/^[\d−-]/.test(t.value) ? 'num' : 'value-text'}>{t.value}</td>
                  <td className="muted">{t.needs && `needs ${t.needs}`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="small">Collect more shadow evidence first{' '}or override with a reason; the override is recorded.</div>
    </div>
  );
}

interface FlipDialogProps {
  route: Route | null;
  target: RouteMode | null;
  canOverride: boolean;
  onClose: () => void;
}

/** Asks for the reason (required, recorded in route_changes) and the canary share, then flips. */
export function FlipDialog({ route, target, canOverride, onClose }: FlipDialogProps) {
  const flip = useFlipRoute();
  const [reason, setReason] = useState('');
  const [percent, setPercent] = useState(10);
  const [override, setOverride] = useState(false);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    setReason('');
    setOverride(false);
    setTouched(false);
    setPercent(route?.mode === 'canary' && route.canaryPercent ? route.canaryPercent : 10);
    flip.reset();
  }, [route?.key, target]);

  const open = !!route && !!target;
  const gateError = flip.error instanceof ApiError && flip.error.code === 'FIG_GATE_FAILED' ? flip.error : undefined;
  const reasonError = reason.trim().length < 3 ? 'Say why (at least 3 characters): it is recorded with the change.' : undefined;

  const submit = () => {
    setTouched(true);
    if (!route || !target || reasonError) return;
    flip.mutate(
      { key: route.key, mode: target, reason: reason.trim(), ...(target === 'canary' ? { canaryPercent: percent } : {}), ...(override ? { override: true } : {}) },
      {
        onSuccess: (r) => {
          toast(`${r.key} → ${r.mode}${r.mode === 'canary' ? ` ${r.canaryPercent}%` : ''}`);
          onClose();
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      title="Change route mode"
      onClose={onClose}
      onSubmit={submit}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant={target === 'legacy' ? 'secondary' : 'primary'} busy={flip.isPending}>
            Switch to {target}
          </Button>
        </>
      }
    >
      {route && target && (
        <>
          <div className="flip-summary">
            <code className="route-key">{route.key}</code>
            <div className="flip-arrow">
              <ModeBadge mode={route.mode} canaryPercent={route.canaryPercent} />
              <span aria-hidden>→</span>
              <ModeBadge mode={target} canaryPercent={target === 'canary' ? percent : undefined} />
            </div>
          </div>
          {target === 'canary' && (
            <div className="field">
              <label htmlFor="canary-percent">Share of tenants on the new module</label>
              <div className="range-row">
                <input id="canary-percent" type="range" min={1} max={100} step={1} value={percent} onChange={(e) => setPercent(Number(e.target.value))} />
                <input type="number" min={1} max={100} value={percent} aria-label="Canary percent" onChange={(e) => setPercent(Math.max(1, Math.min(100, Number(e.target.value))))} />
                <span>%</span>
              </div>
            </div>
          )}
          <div className={`field ${touched && reasonError ? 'field-invalid' : ''}`}>
            <label htmlFor="flip-reason">Reason</label>
            <textarea
              id="flip-reason"
              rows={3}
              autoFocus
              placeholder="e.g. parity 99.98% over 3 days, ticket OPS-142"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) submit();
              }}
            />
            {touched && reasonError ? <div className="field-error">{reasonError}</div> : <div className="field-hint">Recorded in the change history with your name.</div>}
          </div>
          {gateError && <GateChecks error={gateError} />}
          {canOverride && target !== 'legacy' && (
            <label className={`check ${gateError ? 'check-emphasis' : ''}`}>
              <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} />
              Override the parity gate (recorded as an override)
            </label>
          )}
          {!gateError && <FormError error={flip.error} shownFields={['reason']} />}
        </>
      )}
    </Dialog>
  );
}
