import { useCallback } from 'react';
import { navigate, useLocation } from '../../../app/router';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { useSession } from '../../../lib/auth';
import { useLockedPlans, useUpload } from '../api/uploads';
import { MappingStep } from './mapping-step';
import { UploadStep } from './upload-step';
import { ValidationStep } from './validation-step';
import '../runs.css';

const STEPS = ['Upload', 'Map columns', 'Validate', 'Run'];

/** Upload → map → validate → run. The upload and the plan live in the URL, so a reload continues. */
export function NewRunPage() {
  const session = useSession();
  const tenantId = session.tenant?.id ?? '';
  const { search } = useLocation();
  const uploadId = search.get('upload') ? Number(search.get('upload')) : null;
  const plans = useLockedPlans(tenantId);
  const planId = search.get('plan') ?? plans.data?.at(-1)?.id ?? null;
  const upload = useUpload(tenantId, uploadId);
  const setParam = useCallback(
    (k: string, v: string) => {
      const next = new URLSearchParams(search);
      next.set(k, v);
      navigate(`/runs/new?${next.toString()}`, { replace: true });
    },
    [search],
  );
  const onReady = useCallback((id: number) => setParam('upload', String(id)), [setParam]);
  const mapped = !!upload.data?.mapping && upload.data.mapping.planId === planId;
  const current = !upload.data ? 0 : !mapped ? 1 : 2;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>New run</h1>
          <p className="subtitle">Upload the employee file, map its columns to the plan's inputs, check it, and calculate.</p>
        </div>
      </div>
      <ol className="wizard-steps">
        {STEPS.map((s, i) => (
          <li key={s} className={i === current ? 'active' : i < current ? 'done' : ''}>
            {s}
          </li>
        ))}
      </ol>
      <section className="panel panel-pad">
        {plans.isPending ? (
          <Loading label="Loading plans…" />
        ) : plans.isError ? (
          <ErrorState error={plans.error} />
        ) : plans.data.length === 0 ? (
          <Empty title="No locked plan">Lock a plan version first: runs only use locked plans.</Empty>
        ) : (
          <label className="field">
            Plan
            <select aria-label="Plan" value={planId ?? ''} onChange={(e) => setParam('plan', e.target.value)}>
              {plans.data.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} (v{p.version})
                </option>
              ))}
            </select>
          </label>
        )}
      </section>
      {uploadId === null ? (
        <UploadStep tenantId={tenantId} onReady={onReady} />
      ) : upload.isPending ? (
        <Loading label="Loading the upload…" />
      ) : upload.isError ? (
        <ErrorState error={upload.error} onRetry={() => void upload.refetch()} />
      ) : (
        <>
          <p className="muted">
            File <strong>{upload.data.filename}</strong>: {upload.data.rowCount} rows ({upload.data.status}).
          </p>
          {planId && <MappingStep tenantId={tenantId} upload={upload.data} planId={planId} onSaved={() => undefined} />}
          {planId && mapped && <ValidationStep tenantId={tenantId} upload={upload.data} planId={planId} />}
        </>
      )}
    </div>
  );
}
