import { useState } from 'react';
import { Link, navigate } from '../../../app/router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Field } from '../../../components/ui/field';
import { Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { ApiError } from '../../../lib/api-client';
import { can, useSession } from '../../../lib/auth';
import { formatRelative } from '../../../lib/format';
import { useCreatePlan } from '../api/create-plan';
import { usePlans } from '../api/list-plans';

function NewPlanDialog({ tenantId, open, onClose }: { tenantId: string; open: boolean; onClose: () => void }) {
  const create = useCreatePlan(tenantId);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [inputs, setInputs] = useState('base_salary, performance');
  const err = create.error instanceof ApiError ? create.error : undefined;
  return (
    <Dialog
      open={open}
      title="New bonus plan"
      onClose={onClose}
      onSubmit={() =>
        create.mutate(
          {
            name: name.trim(),
            description,
            inputs: inputs
              .split(/[\s,]+/)
              .filter(Boolean)
              .map((n) => ({ name: n, description: '' })),
          },
          { onSuccess: (p) => navigate(`/plans/${p.id}`) },
        )
      }
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!name.trim()}>
            Create draft
          </Button>
        </>
      }
    >
      <Field label="Name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} error={err?.fieldError('name')} />
      <Field label="Description" value={description} onChange={(e) => setDescription(e.target.value)} />
      <Field label="Inputs" value={inputs} onChange={(e) => setInputs(e.target.value)} hint="Names of the per-employee inputs, separated by commas." error={err?.errors.find((e) => e.path.includes('inputs'))?.message} />
      <FormError error={create.error} shownFields={['name']} />
    </Dialog>
  );
}

/** Bonus plans of the organisation, newest first. */
export function PlansPage() {
  const session = useSession();
  const tenantId = session.tenant?.id ?? '';
  const plans = usePlans(tenantId);
  const [creating, setCreating] = useState(false);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Bonus plans</h1>
          <p className="subtitle">Ordered steps in the fig expression language, versioned and locked before use.</p>
        </div>
        <div className="page-actions">
          {can(session, 'plans.write') && tenantId && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              New plan…
            </Button>
          )}
        </div>
      </div>
      <section className="panel">
        {!tenantId ? (
          <Empty title="No organisation">Sign in as a member of an organisation to see its plans.</Empty>
        ) : plans.isPending ? (
          <Loading label="Loading plans…" />
        ) : plans.isError ? (
          <ErrorState error={plans.error} onRetry={() => void plans.refetch()} />
        ) : plans.data.data.length === 0 ? (
          <Empty title="No plans yet">Create a draft plan, add its steps, validate and lock it.</Empty>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Plan</th>
                  <th className="num">Version</th>
                  <th>Status</th>
                  <th className="num">Steps</th>
                  <th>Updated</th>
                  <th>Locked by</th>
                </tr>
              </thead>
              <tbody>
                {plans.data.data.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to={`/plans/${p.id}`} className="strong-link">
                        {p.name}
                      </Link>
                      {p.description && <div className="summary-plain">{p.description}</div>}
                    </td>
                    <td className="num">v{p.version}</td>
                    <td>
                      <Badge tone={p.status === 'locked' ? 'ok' : 'warn'}>{p.status}</Badge>
                    </td>
                    <td className="num">{p.stepCount}</td>
                    <td>{formatRelative(p.updatedAt)}</td>
                    <td>{p.lockedBy ?? <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {tenantId && <NewPlanDialog tenantId={tenantId} open={creating} onClose={() => setCreating(false)} />}
    </div>
  );
}
