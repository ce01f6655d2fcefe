import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { exportAuditCsv, useAuditEvents, useChain, type AuditFilter } from '../api/audit-events';

const FIELDS: { key: keyof AuditFilter; label: string; type: string; placeholder?: string }[] = [
  { key: 'actor', label: 'Actor', type: 'text', placeholder: 'admin@acme.test' },
  { key: 'entity', label: 'Entity', type: 'text', placeholder: 'plan, membership…' },
  { key: 'action', label: 'Action', type: 'text', placeholder: 'plan.create' },
  { key: 'from', label: 'From', type: 'datetime-local' },
  { key: 'to', label: 'To', type: 'datetime-local' },
];

/** datetime-local values are local wall time; the API takes ISO instants. */
const toApi = (f: AuditFilter): AuditFilter => ({
  ...f,
  from: f.from ? new Date(f.from).toISOString() : undefined,
  to: f.to ? new Date(f.to).toISOString() : undefined,
});

/** /app/audit: the organisation's audit trail, filtered, with its hash-chain check and a CSV export. */
export function AuditPage() {
  const [draft, setDraft] = useState<AuditFilter>({});
  const [filter, setFilter] = useState<AuditFilter>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const events = useAuditEvents(filter, cursor);
  const chain = useChain();
  const csv = useMutation({ mutationFn: () => exportAuditCsv(filter), onError: (e) => toast(`Export failed: ${(e as Error).message}`, 'error') });

  return (
    <div className="page">
      <div className="page-header">
        <h1>Audit log</h1>
        <div data-testid="chain-status">
          {chain.isPending && <span className="muted">Checking the chain…</span>}
          {chain.isError && <Badge tone="danger">Chain check failed</Badge>}
          {chain.data &&
            (chain.data.ok ? (
              <Badge tone="ok">Chain verified: {chain.data.checked} events intact</Badge>
            ) : (
              <Badge tone="danger">
                Chain broken at #{chain.data.firstBroken?.seq} ({chain.data.firstBroken?.reason})
              </Badge>
            ))}
        </div>
      </div>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([]);
          setFilter(toApi(draft));
        }}
      >
        {FIELDS.map((f) => (
          <label key={f.key} className="filter">
            <span>{f.label}</span>
            <input name={f.key} type={f.type} placeholder={f.placeholder} value={draft[f.key] ?? ''} onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })} />
          </label>
        ))}
        <Button type="submit" variant="primary" size="sm">
          Apply
        </Button>
        <Button size="sm" busy={csv.isPending} onClick={() => csv.mutate()}>
          Export CSV
        </Button>
      </form>
      {events.isPending && <Loading />}
      {events.isError && <ErrorState error={events.error} onRetry={() => void events.refetch()} />}
      {events.data && events.data.data.length === 0 && <Empty title="No audit events">Nothing matches these filters.</Empty>}
      {events.data && events.data.data.length > 0 && (
        <>
          <table className="table" data-testid="audit-events">
            <thead>
              <tr>
                <th>#</th>
                <th>Time</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Entity</th>
                <th>Request</th>
              </tr>
            </thead>
            <tbody>
              {events.data.data.map((e) => (
                <tr key={e.id} title={JSON.stringify({ before: e.before, after: e.after })}>
                  <td className="num">{e.seq}</td>
                  <td>{new Date(e.createdAt).toLocaleString()}</td>
                  <td>{e.actor}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.entity}
                    {e.entityId && <span className="muted small"> {e.entityId}</span>}
                  </td>
                  <td className="muted small">{e.requestId ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <span className="muted">{events.data.total} events</span>
            <Button size="sm" disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
              Newer
            </Button>
            <Button size="sm" disabled={!events.data.hasMore || !events.data.nextCursor} onClick={() => setCursors([...cursors, events.data.nextCursor!])}>
              Older
            </Button>
          </div>
        </>
      )}
    </div>
  );
}
