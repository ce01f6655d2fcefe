import { useState } from 'react';
import { navigate } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { ApiError, apiBlob } from '../../../lib/api-client';
import { saveBlob } from '../api/results';
import { useStartRun } from '../api/runs';
import { problemsCsvPath, useProblems } from '../api/uploads';
import type { Upload } from '../types';

/**
 * Step 3: the validation report (every problem with row, column, value and a fix hint, also as
 * CSV), then the run itself once nothing blocks it.
 */
export function ValidationStep({ tenantId, upload, planId }: { tenantId: string; upload: Upload; planId: string }) {
  const problems = useProblems(tenantId, upload.id, true);
  const start = useStartRun(tenantId);
  const [name, setName] = useState(`${upload.filename.replace(/\.[^.]+$/, '')} run`);
  const [pool, setPool] = useState('');
  const err = start.error instanceof ApiError ? start.error : undefined;
  return (
    <section className="panel panel-pad" data-testid="validation-step">
      <h2>3. Validation report</h2>
      {problems.isPending ? (
        <Loading label="Loading the report…" />
      ) : problems.isError ? (
        <ErrorState error={problems.error} onRetry={() => void problems.refetch()} />
      ) : problems.data.total === 0 ? (
        <Empty title="No problems">All {upload.rowCount} rows can be computed.</Empty>
      ) : (
        <>
          <div className="toolbar">
            <strong>{problems.data.total} problem(s)</strong>
            <Button size="sm" onClick={() => void apiBlob(problemsCsvPath(tenantId, upload.id)).then((r) => saveBlob(r.blob, r.filename ?? `upload-${upload.id}-problems.csv`))}>
              Download CSV
            </Button>
          </div>
          <div className="table-scroll" style={{ maxHeight: 300 }}>
            <table className="table table-compact" data-testid="problems-table">
              <thead>
                <tr>
                  <th className="num">Row</th>
                  <th>Column</th>
                  <th>Value</th>
                  <th>Problem</th>
                  <th>How to fix</th>
                </tr>
              </thead>
              <tbody>
                {problems.data.data.map((p, i) => (
                  <tr key={`${p.rowNo}-${p.column}-${i}`}>
                    <td className="num">{p.rowNo}</td>
                    <td>{p.column ?? p.target ?? '—'}</td>
                    <td>
                      <code>{p.value ?? ''}</code>
                    </td>
                    <td>{p.message}</td>
                    <td className="muted small">{p.hint}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h2>4. Run</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate(
            { plan_id: planId, upload_id: upload.id, name: name.trim(), ...(pool.trim() ? { pool: pool.trim() } : {}) },
            { onSuccess: (r) => navigate(`/runs/${r.id}`) },
          );
        }}
      >
        <div className="form-row">
          <Field label="Run name" name="run-name" value={name} onChange={(e) => setName(e.target.value)} error={err?.fieldError('name')} required />
          <Field label="Pool (optional)" name="pool" inputMode="decimal" placeholder="250000.00" value={pool} onChange={(e) => setPool(e.target.value)} error={err?.fieldError('pool')} />
        </div>
        <Button type="submit" variant="primary" busy={start.isPending} disabled={!upload.readyForRun || !name.trim()}>
          Start run
        </Button>
        {!upload.readyForRun && <span className="muted small"> Fix the problems above (or the mapping) first.</span>}
        <FormError error={start.error} shownFields={['name', 'pool']} />
      </form>
    </section>
  );
}
