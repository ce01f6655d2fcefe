import { useState } from 'react';
import { Link, navigate } from '../../../app/router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { can, useSession } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { usePlan } from '../api/get-plan';
import { useLockPlan, useStartVersion } from '../api/lock-plan';
import { useSaveStep } from '../api/save-step';
import { useValidatePlan } from '../api/validate-plan';
import type { Plan, PlanProblem, Step } from '../types';
import { EvaluatePanel } from './evaluate-panel';
import { ProblemList } from './problem-list';
import { StepEditor } from './step-editor';

function LockDialog({ plan, open, problems, onClose }: { plan: Plan; open: boolean; problems: number; onClose: () => void }) {
  const lock = useLockPlan(plan.id);
  return (
    <Dialog
      open={open}
      title={`Lock ${plan.name} v${plan.version}?`}
      onClose={onClose}
      onSubmit={() => lock.mutate(undefined, { onSuccess: () => (toast(`${plan.name} v${plan.version} locked`), onClose()) })}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={lock.isPending} disabled={problems > 0}>
            Lock plan
          </Button>
        </>
      }
    >
      <p className="lead">A locked plan can never change again: runs use it as is. To change it later, start a new version.</p>
      {problems > 0 && <div className="form-error">The plan has {problems} validation problem{problems === 1 ? '' : 's'}; fix them first.</div>}
      <FormError error={lock.error} />
    </Dialog>
  );
}

/** The DOM id of a step's row, for the problems summary's links. */
function stepAnchor(key: string): string {
  return `step-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * Every validation problem at the top of the page, each linking to its step (the full message
 * with the caret excerpt stays under the step); problems that belong to no step are shown here in full.
 */
function ProblemsSummary({ plan, problems }: { plan: Plan; problems: PlanProblem[] }) {
  if (problems.length === 0) return null;
  const stepKeys = new Set(plan.steps.map((s) => s.key));
  const inSteps = problems.filter((x) => x.stepKey && stepKeys.has(x.stepKey));
  const general = problems.filter((x) => !x.stepKey || !stepKeys.has(x.stepKey));
  const go = (key: string) => {
    const row = document.getElementById(stepAnchor(key));
    if (!row) return;
    row.scrollIntoView({ behavior: 'smooth', block: 'center' });
    row.classList.remove('flash');
    void row.offsetWidth; // restart the highlight
    row.classList.add('flash');
  };
  return (
    <section className="panel problems-panel" aria-label="Validation problems" data-testid="problems-summary">
      <header className="panel-header">
        <h2>
          {problems.length} validation problem{problems.length === 1 ? '' : 's'}
        </h2>
        <span className="muted">fix them before locking</span>
      </header>
      {inSteps.length > 0 && (
        <ul className="problem-links">
          {inSteps.map((x, i) => (
            <li key={i}>
              <button type="button" className="link problem-link" onClick={() => go(x.stepKey!)}>
                <span className="mono strong">{x.stepKey}</span>
                {x.line !== null && (
                  <span className="problem-pos">
                    {' '}
                    line {x.line}, column {x.column}
                  </span>
                )}
              </button>{' '}
              <span className="problem-message">{x.message}</span>
            </li>
          ))}
        </ul>
      )}
      {general.length > 0 && (
        <div className="panel-pad">
          <ProblemList problems={general} />
        </div>
      )}
    </section>
  );
}

function StepsTable({ plan, editable, onEdit }: { plan: Plan; editable: boolean; onEdit: (s: Step) => void }) {
  const validation = useValidatePlan(plan.id);
  const del = useSaveStep(plan.id);
  const problems = validation.data?.problems ?? [];
  if (plan.steps.length === 0) return <Empty title="No steps yet">{editable ? 'Add the first step: an output name and its expression.' : 'This plan has no steps.'}</Empty>;
  return (
    <div className="table-x">
      <table className="table steps-table">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Step</th>
            <th>Expression</th>
            <th>Condition</th>
            <th className="num">Default</th>
            {editable && <th aria-label="Actions" />}
          </tr>
        </thead>
        <tbody>
          {[...plan.steps]
            .sort((a, b) => a.position - b.position)
            .map((s) => {
              const mine = problems.filter((p) => p.stepKey === s.key);
              return (
                <tr key={s.id} id={stepAnchor(s.key)} className={mine.length ? 'has-problem' : ''}>
                  <td className="num muted">{s.position + 1}</td>
                  <td>
                    <div className="mono strong">{s.output}</div>
                    {s.key !== s.output && <div className="muted small mono">{s.key}</div>}
                  </td>
                  <td>
                    <pre className="expr">{s.expr}</pre>
                    {mine.length > 0 && <ProblemList problems={mine} />}
                  </td>
                  <td>{s.conditionExpr ? <pre className="expr">{s.conditionExpr}</pre> : <span className="muted">—</span>}</td>
                  <td className="num mono">{s.default}</td>
                  {editable && (
                    <td className="actions">
                      <Button size="sm" onClick={() => onEdit(s)}>
                        Edit
                      </Button>{' '}
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Delete step ${s.key}`}
                        onClick={() => window.confirm(`Delete step ${s.key}?`) && del.mutate({ kind: 'delete', stepId: s.id })}
                      >
                        Delete
                      </Button>
                    </td>
                  )}
                </tr>
              );
            })}
        </tbody>
      </table>
    </div>
  );
}

/** One plan: its inputs, steps with live validation, lock and versions, and test rows. */
export function PlanPage({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const session = useSession();
  const plan = usePlan(id);
  const validation = useValidatePlan(id);
  const newVersion = useStartVersion(id);
  const [editing, setEditing] = useState<Step | 'new' | null>(null);
  const [locking, setLocking] = useState(false);

  if (plan.isPending) return <Loading label="Loading plan…" />;
  if (plan.isError)
    return (
      <div className="page">
        <ErrorState error={plan.error} onRetry={() => void plan.refetch()} title="Could not load the plan" />
      </div>
    );
  const p = plan.data;
  const draft = p.status === 'draft';
  const editable = draft && can(session, 'plans.write');
  const problems = validation.data?.problems ?? [];
  const lockBlocked = !validation.data
    ? validation.isError
      ? 'The plan could not be validated; reload to try again'
      : 'Validating the plan…'
    : problems.length > 0
      ? `Fix the ${problems.length} validation problem${problems.length === 1 ? '' : 's'} first`
      : undefined;

  return (
    <div className="page">
      <div className="breadcrumbs">
        <Link to="/plans">Plans</Link> <span aria-hidden>/</span>{' '}
        <span aria-current="page">
          {p.name} v{p.version}
        </span>
      </div>
      <div className="page-header">
        <div>
          <h1>
            {p.name} <span className="muted">v{p.version}</span> <Badge tone={draft ? 'warn' : 'ok'}>{p.status}</Badge>
          </h1>
          <p className="subtitle">
            {p.description || 'No description.'} {p.lockedAt && <>Locked {formatDateTime(p.lockedAt)} by {p.lockedBy}.</>}
          </p>
        </div>
        <div className="page-actions">
          {draft && (
            <span className={`validity ${validation.data?.valid ? 'ok' : problems.length ? 'bad' : ''}`} data-testid="validity">
              {validation.isFetching ? 'Validating…' : validation.data ? (validation.data.valid ? '✓ Valid' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`) : ''}
            </span>
          )}
          {editable && <Button onClick={() => setEditing('new')}>Add step…</Button>}
          {draft && can(session, 'plans.lock') && (
            // The wrapper carries the tooltip: a disabled button gets no hover events in some browsers.
            <span className="btn-wrap" title={lockBlocked ?? 'Lock this version: it can never change again'}>
              <Button variant="primary" disabled={!!lockBlocked} title={lockBlocked} data-testid="lock-plan" onClick={() => setLocking(true)}>
                Lock…
              </Button>
            </span>
          )}
          {!draft && can(session, 'plans.write') && (
            <Button busy={newVersion.isPending} onClick={() => newVersion.mutate(undefined, { onSuccess: (n) => navigate(`/plans/${n.id}`), onError: (e) => toast(e.message, 'error') })}>
              Start new version
            </Button>
          )}
        </div>
      </div>

      <div className="plan-meta">
        <div>
          <span className="muted">Inputs</span>{' '}
          {p.inputs.length ? p.inputs.map((i) => <code key={i.name} className="chip-code" title={i.description}>{i.name}</code>) : <span className="muted">none</span>}
        </div>
        {p.constants.length > 0 && (
          <div>
            <span className="muted">Constants</span>{' '}
            {p.constants.map((c) => (
              <code key={c.name} className="chip-code" title={c.description}>
                {c.name} = {c.value}
              </code>
            ))}
          </div>
        )}
      </div>

      {draft && <ProblemsSummary plan={p} problems={problems} />}

      <section className="panel">
        <header className="panel-header">
          <h2>Steps</h2>
          <span className="muted">evaluated top to bottom</span>
        </header>
        <StepsTable plan={p} editable={editable} onEdit={setEditing} />
      </section>

      <EvaluatePanel key={p.id} plan={p} />

      <StepEditor plan={p} step={editing} problems={problems} onClose={() => setEditing(null)} />
      <LockDialog plan={p} open={locking} problems={problems.length} onClose={() => setLocking(false)} />
    </div>
  );
}
