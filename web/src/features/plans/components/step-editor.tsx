import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { ApiError } from '../../../lib/api-client';
import { useEngineFunctions } from '../api/list-engine-functions';
import { useSaveStep } from '../api/save-step';
import type { Plan, PlanProblem, Step } from '../types';
import { ProblemList } from './problem-list';

interface StepEditorProps {
  plan: Plan;
  /** The step to edit, 'new' for a new one, null when closed. */
  step: Step | 'new' | null;
  problems: PlanProblem[];
  onClose: () => void;
}

/** Edit one step: key, output, expression, optional condition and default; names and functions as hints. */
export function StepEditor({ plan, step, problems, onClose }: StepEditorProps) {
  const save = useSaveStep(plan.id);
  const fns = useEngineFunctions();
  const existing = step && step !== 'new' ? step : null;
  const [key, setKey] = useState('');
  const [output, setOutput] = useState('');
  const [expr, setExpr] = useState('');
  const [cond, setCond] = useState('');
  const [dflt, setDflt] = useState('0');

  useEffect(() => {
    setKey(existing?.key ?? '');
    setOutput(existing?.output ?? '');
    setExpr(existing?.expr ?? '');
    setCond(existing?.conditionExpr ?? '');
    setDflt(existing?.default ?? '0');
    save.reset();
    // Reset only when another step is opened.
  }, [step]);

  const position = existing ? existing.position : plan.steps.length;
  const names = [...plan.inputs.map((i) => i.name), ...plan.constants.map((c) => c.name), ...plan.steps.filter((s) => s.position < position).map((s) => s.output)];
  const err = save.error instanceof ApiError ? save.error : undefined;
  const mine = existing ? problems.filter((p) => p.stepKey === existing.key) : [];

  const submit = () => {
    const body = { key: key.trim(), output: output.trim() || key.trim(), expr, conditionExpr: cond.trim() ? cond : null, default: dflt.trim() || '0' };
    save.mutate(existing ? { kind: 'update', stepId: existing.id, body } : { kind: 'create', body }, { onSuccess: onClose });
  };

  return (
    <Dialog
      open={!!step}
      title={existing ? `Step ${existing.key}` : 'New step'}
      onClose={onClose}
      onSubmit={submit}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={save.isPending} disabled={!key.trim() || !expr.trim()}>
            {existing ? 'Save step' : 'Add step'}
          </Button>
        </>
      }
    >
      <div className="form-row">
        <div className="field">
          <label htmlFor="step-key">Key</label>
          <input id="step-key" value={key} onChange={(e) => setKey(e.target.value)} autoFocus={!existing} />
          {err?.fieldError('key') && <div className="field-error">{err.fieldError('key')}</div>}
        </div>
        <div className="field">
          <label htmlFor="step-output">Output name</label>
          <input id="step-output" value={output} placeholder={key || 'same as key'} onChange={(e) => setOutput(e.target.value)} />
          {err?.fieldError('output') && <div className="field-error">{err.fieldError('output')}</div>}
        </div>
      </div>
      <div className="field">
        <label htmlFor="step-expr">Expression</label>
        <textarea id="step-expr" className="code-input" rows={4} spellCheck={false} value={expr} onChange={(e) => setExpr(e.target.value)} autoFocus={!!existing} />
        {err?.fieldError('expr') && <div className="field-error">{err.fieldError('expr')}</div>}
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor="step-cond">Condition (optional)</label>
          <input id="step-cond" className="code-input" spellCheck={false} value={cond} placeholder="e.g. performance >= 0.5" onChange={(e) => setCond(e.target.value)} />
        </div>
        <div className="field field-narrow">
          <label htmlFor="step-default">Default</label>
          <input id="step-default" className="code-input num-input" value={dflt} onChange={(e) => setDflt(e.target.value)} />
        </div>
      </div>
      {mine.length > 0 && <ProblemList problems={mine} />}
      <div className="hints">
        <div>
          <span className="muted">Names:</span>{' '}
          {names.length ? names.map((n) => (
            <button type="button" key={n} className="hint-chip" onClick={() => setExpr((x) => `${x}${x && !x.endsWith(' ') ? ' ' : ''}${n}`)}>
              {n}
            </button>
          )) : <span className="muted">no inputs declared</span>}
        </div>
        {fns.data && (
          <div>
            <span className="muted">Functions:</span>{' '}
            {fns.data.functions.map((f) => (
              <button type="button" key={f.name} className="hint-chip hint-fn" title={`${f.signature}\n${f.description}`} onClick={() => setExpr((x) => `${x}${f.name}(`)}>
                {f.name}
              </button>
            ))}
          </div>
        )}
      </div>
      <FormError error={save.error} shownFields={['key', 'output', 'expr']} />
    </Dialog>
  );
}
