import { Fragment, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FormError } from '../../../components/ui/states';
import { formatMoney } from '../../../lib/decimal';
import { useEvaluatePlan } from '../api/evaluate-plan';
import type { Plan } from '../types';

/** Test rows in, one result per row out: every step's value, shown to the cent (exact value on hover). */
export function EvaluatePanel({ plan }: { plan: Plan }) {
  const evaluate = useEvaluatePlan(plan.id);
  const inputs = plan.inputs.map((i) => i.name);
  const [rows, setRows] = useState<Record<string, string>[]>(() => [Object.fromEntries(inputs.map((n) => [n, '']))]);
  const [open, setOpen] = useState<number | null>(null);
  const outputs = plan.steps.map((s) => s.output);

  const set = (r: number, name: string, v: string) => setRows((rs) => rs.map((row, i) => (i === r ? { ...row, [name]: v } : row)));
  const clean = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()])));

  return (
    <section className="panel">
      <header className="panel-header">
        <h2>Test rows</h2>
        <div className="page-actions">
          <Button size="sm" onClick={() => setRows((rs) => [...rs, Object.fromEntries(inputs.map((n) => [n, '']))])}>
            Add row
          </Button>
          <Button size="sm" variant="primary" busy={evaluate.isPending} disabled={plan.steps.length === 0} onClick={() => evaluate.mutate(clean)}>
            Evaluate
          </Button>
        </div>
      </header>
      <div className="table-scroll">
        <table className="table table-compact">
          <thead>
            <tr>
              <th className="num">#</th>
              {inputs.map((n) => (
                <th key={n} className="num">
                  {n}
                </th>
              ))}
              <th aria-label="Remove" />
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={r}>
                <td className="num muted">{r + 1}</td>
                {inputs.map((n) => (
                  <td key={n} className="num">
                    <input className="cell-input num-input" aria-label={`Row ${r + 1} ${n}`} inputMode="decimal" value={row[n] ?? ''} onChange={(e) => set(r, n, e.target.value)} />
                  </td>
                ))}
                <td className="actions">
                  {rows.length > 1 && (
                    <button type="button" className="icon-btn" aria-label={`Remove row ${r + 1}`} onClick={() => setRows((rs) => rs.filter((_, i) => i !== r))}>
                      ×
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {evaluate.error != null && (
        <div className="panel-pad">
          <FormError error={evaluate.error} />
        </div>
      )}
      {evaluate.data && (
        <div className="table-scroll">
          <div className="subhead">
            Results · {evaluate.data.rows} row{evaluate.data.rows === 1 ? '' : 's'} · catalog v{evaluate.data.catalogVersion}
          </div>
          <table className="table table-compact" data-testid="evaluate-results">
            <thead>
              <tr>
                <th className="num">Row</th>
                {outputs.map((o) => (
                  <th key={o} className="num">
                    {o}
                  </th>
                ))}
                <th />
              </tr>
            </thead>
            <tbody>
              {evaluate.data.results.map((res) => (
                <Fragment key={res.row}>
                  <tr>
                    <td className="num muted">{res.row + 1}</td>
                    {res.ok ? (
                      outputs.map((o) => (
                        <td key={o} className="num money" title={res.outputs[o]}>
                          {formatMoney(res.outputs[o])}
                        </td>
                      ))
                    ) : (
                      <td colSpan={outputs.length} className="bad">
                        {res.error.step ? <strong>{res.error.step}: </strong> : null}
                        {res.error.message}
                      </td>
                    )}
                    <td className="actions">
                      {res.ok && (
                        <button type="button" className="link" onClick={() => setOpen(open === res.row ? null : res.row)}>
                          {open === res.row ? 'hide tape' : 'tape'}
                        </button>
                      )}
                    </td>
                  </tr>
                  {res.ok && open === res.row && (
                    <tr className="tape-row">
                      <td colSpan={outputs.length + 2}>
                        <ol className="tape">
                          {res.tape.map((t) => (
                            <li key={t.step}>
                              <code>{t.step}</code> → <code>{t.output}</code> = <strong className="mono">{t.value}</strong>
                              {t.condition === false && <span className="badge badge-warn">condition false: default</span>}
                            </li>
                          ))}
                        </ol>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
          {evaluate.data.failed > 0 && <div className="panel-pad muted">{evaluate.data.failed} of {evaluate.data.rows} rows failed.</div>}
        </div>
      )}
    </section>
  );
}
