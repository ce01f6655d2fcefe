import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ModeBadge } from '../../../components/ui/badge';
import { FormError } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { ApiError } from '../../../lib/api-client';
import { useFlipRouteGroup } from '../api/flip-route-group';
import { blockedBySentence, GATE_CHECK_NAMES } from '../gate-labels';
import { MODES, type Route, type RouteMode } from '../types';

interface Blocked {
  routeKey: string;
  blockedBy: string[];
  checks: { name: string; passed: boolean }[];
}

/** Each route a FIG_GROUP_GATE_FAILED refusal names, with the gate that blocks it. */
function BlockedRoutes({ error }: { error: ApiError }) {
  const blocked = Array.isArray(error.body.blocked) ? (error.body.blocked as Blocked[]) : [];
  return (
    <div className="gate" role="alert" data-testid="group-gate-failed">
      <div className="gate-title">
        Nothing was flipped: {blocked.length} route{blocked.length === 1 ? '' : 's'} of the group fail their
        gates
      </div>
      <table className="gate-checks">
        <tbody>
          {blocked.map((b) => (
            <tr key={b.routeKey} className="bad" data-route={b.routeKey}>
              <td>
                <code>{b.routeKey}</code>
              </td>
              <td>{blockedBySentence(b.blockedBy)}</td>
              <td className="muted">
                {b.checks
                  .filter((c) => !c.passed)
                  .map((c) => GATE_CHECK_NAMES[c.name] ?? c.name)
                  .join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="small">
        Collect the missing evidence (or finance’s sign-off) first, or override with a reason; the override is
        recorded on every route.
      </div>
    </div>
  );
}

interface GroupFlipDialogProps {
  /** The path prefix of the group (the console's group row), or null when closed. */
  prefix: string | null;
  routes: Route[];
  canOverride: boolean;
  onClose: () => void;
}

/** Flips every route under a prefix with one reason: all or nothing, gates checked for every route first. */
export function GroupFlipDialog({ prefix, routes, canOverride, onClose }: GroupFlipDialogProps) {
  const flip = useFlipRouteGroup();
  const [mode, setMode] = useState<RouteMode>('shadow');
  const [reason, setReason] = useState('');
  const [percent, setPercent] = useState(10);
  const [override, setOverride] = useState(false);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    setReason('');
    setOverride(false);
    setTouched(false);
    setMode('shadow');
    flip.reset();
  }, [prefix]);

  const gateError =
    flip.error instanceof ApiError && flip.error.code === 'FIG_GROUP_GATE_FAILED' ? flip.error : undefined;
  const reasonError =
    reason.trim().length < 3
      ? 'Say why (at least 3 characters): it is recorded with every route of the group.'
      : undefined;
  const unservable = routes.filter((r) => !r.servable);

  const submit = () => {
    setTouched(true);
    if (!prefix || reasonError) return;
    flip.mutate(
      {
        prefix,
        mode,
        reason: reason.trim(),
        ...(mode === 'canary' ? { canaryPercent: percent } : {}),
        ...(override ? { override: true } : {}),
      },
      {
        onSuccess: (r) => {
          toast(
            `${prefix}: ${r.changed.length} route${r.changed.length === 1 ? '' : 's'} → ${mode}${mode === 'canary' ? ` ${percent}%` : ''}`,
          );
          onClose();
        },
      },
    );
  };

  return (
    <Dialog
      open={prefix !== null}
      title="Flip a group of routes"
      onClose={onClose}
      onSubmit={submit}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant={mode === 'legacy' ? 'secondary' : 'primary'} busy={flip.isPending}>
            Switch {routes.length} route{routes.length === 1 ? '' : 's'} to {mode}
          </Button>
        </>
      }
    >
      {prefix !== null && (
        <>
          <p className="lead">
            Every route under <code>{prefix}</code> moves together, or none does: the gates of every route are
            checked first.
          </p>
          <ul className="group-flip-routes small" data-testid="group-flip-routes">
            {routes.map((r) => (
              <li key={r.key}>
                <code>{r.key}</code> <ModeBadge mode={r.mode} canaryPercent={r.canaryPercent} />
                {r.gate && !r.gate.passed && (
                  <span className="muted"> · {blockedBySentence(r.gate.blockedBy)}</span>
                )}
              </li>
            ))}
          </ul>
          <div className="field">
            <label htmlFor="group-mode">Mode</label>
            <select id="group-mode" value={mode} onChange={(e) => setMode(e.target.value as RouteMode)}>
              {MODES.map((m) => (
                <option key={m} value={m} disabled={m !== 'legacy' && unservable.length > 0}>
                  {m}
                </option>
              ))}
            </select>
            {unservable.length > 0 && (
              <div className="field-hint">
                {unservable.length} route(s) have no module: the group can only go to legacy.
              </div>
            )}
          </div>
          {mode === 'canary' && (
            <div className="field">
              <label htmlFor="group-canary-percent">Share of tenants on the new module</label>
              <input
                id="group-canary-percent"
                type="number"
                min={1}
                max={100}
                value={percent}
                onChange={(e) => setPercent(Math.max(1, Math.min(100, Number(e.target.value))))}
              />
            </div>
          )}
          <div className={`field ${touched && reasonError ? 'field-invalid' : ''}`}>
            <label htmlFor="group-reason">Reason</label>
            <textarea
              id="group-reason"
              rows={3}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder="e.g. bonus family: shadow clean for 3 days, Gate A signed off, OPS-188"
            />
            {touched && reasonError && <div className="field-error">{reasonError}</div>}
          </div>
          {gateError && <BlockedRoutes error={gateError} />}
          {canOverride && mode !== 'legacy' && (
            <label className={`check ${gateError ? 'check-emphasis' : ''}`}>
              <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} />
              Override the gates for the whole group (recorded as an override on every route)
            </label>
          )}
          {!gateError && <FormError error={flip.error} shownFields={['reason']} />}
        </>
      )}
    </Dialog>
  );
}
