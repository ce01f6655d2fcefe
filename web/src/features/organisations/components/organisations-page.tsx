import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { ApiError } from '../../../lib/api-client';
import { can, useSession } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useOrganisations, useSetSuspended, type Organisation } from '../api/organisations';

const FILTERS = [
  { value: '', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'suspended', label: 'Suspended' },
];

/** /app/ops/organisations: every organisation; ops suspend (users refused) and reactivate, with a reason. */
export function OrganisationsPage() {
  const session = useSession();
  const [status, setStatus] = useState('');
  const list = useOrganisations(status);
  const change = useSetSuspended();
  const manage = can(session, 'platform.tenants.manage');
  const act = (o: Organisation, action: 'suspend' | 'reactivate') => {
    const reason = window.prompt(action === 'suspend' ? `Suspend ${o.name}? Its users are signed out and refused. Reason (recorded):` : `Reactivate ${o.name}? Reason (recorded):`);
    if (!reason || reason.trim().length < 3) return;
    change.mutate(
      { id: o.id, action, reason: reason.trim() },
      {
        onSuccess: (r) => toast(`${r.name} is now ${r.status}`),
        onError: (e) => toast(e instanceof ApiError ? e.detail : e.message, 'error'),
      },
    );
  };
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Organisations</h1>
          <p className="subtitle">Every tenant on this fig. New ones: `npm run fig -- tenant create --name … --admin …`.</p>
        </div>
        <div className="page-actions segmented" role="group" aria-label="Status">
          {FILTERS.map((f) => (
            <button key={f.value} type="button" className={`seg${status === f.value ? ' seg-active mail-seg-on' : ''}`} onClick={() => setStatus(f.value)}>
              {f.label}
            </button>
          ))}
        </div>
      </div>
      <section className="panel">
        {list.isPending ? (
          <Loading label="Loading organisations…" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.data.length === 0 ? (
          <Empty title="No organisations">None has this status.</Empty>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="organisations">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Slug</th>
                  <th>Status</th>
                  <th>Created</th>
                  <th>Reason</th>
                  {manage && <th aria-label="Actions" />}
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((o) => (
                  <tr key={o.id}>
                    <td>{o.name}</td>
                    <td>
                      <code>{o.slug}</code>
                    </td>
                    <td>
                      <Badge tone={o.status === 'active' ? 'ok' : 'warn'}>{o.status}</Badge>
                    </td>
                    <td>{formatDateTime(o.createdAt)}</td>
                    <td className="small">{o.suspendedReason ?? '—'}</td>
                    {manage && (
                      <td className="actions">
                        <Button size="sm" variant="ghost" busy={change.isPending && change.variables?.id === o.id} onClick={() => act(o, o.status === 'active' ? 'suspend' : 'reactivate')}>
                          {o.status === 'active' ? 'Suspend…' : 'Reactivate…'}
                        </Button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
