import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { can, useSession } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useDeliveries } from '../api/list-deliveries';
import { useRetryDelivery } from '../api/retry-delivery';
import type { Delivery } from '../types';

const FILTERS = [
  { value: 'dead', label: 'Dead letters' },
  { value: 'failed', label: 'Retrying' },
  { value: 'sent', label: 'Sent' },
  { value: '', label: 'All' },
];

const tone = (s: Delivery['status']) => (s === 'sent' ? 'ok' : s === 'dead' ? 'warn' : 'neutral');

/** /app/ops/mail: mail deliveries; the dead-letter list first, each dead mail retryable (ops). */
export function DeliveriesPage() {
  const session = useSession();
  const [status, setStatus] = useState('dead');
  const list = useDeliveries(status);
  const retry = useRetryDelivery();
  const manage = can(session, 'platform.mail.manage');
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Mail deliveries</h1>
          <p className="subtitle">
            Each outbox mail is tried with growing delays; after the last try it lands in the dead letters
            until someone retries it.
          </p>
        </div>
        <div className="page-actions segmented" role="group" aria-label="Status">
          {FILTERS.map((f) => (
            <button
              key={f.value}
              type="button"
              className={`seg${status === f.value ? ' seg-active mail-seg-on' : ''}`}
              onClick={() => setStatus(f.value)}
            >
              {f.label}
            </button>
          ))}
        </div>
      </div>
      <section className="panel">
        {list.isPending ? (
          <Loading label="Loading deliveries…" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.data.length === 0 ? (
          <Empty title={status === 'dead' ? 'No dead letters' : 'Nothing here'}>
            {status === 'dead'
              ? 'Every mail was delivered or is still being tried.'
              : 'No delivery has this status.'}
          </Empty>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="deliveries">
              <thead>
                <tr>
                  <th>Message</th>
                  <th>To</th>
                  <th>Kind</th>
                  <th>Status</th>
                  <th className="num">Tries</th>
                  <th>Last error</th>
                  <th>Changed</th>
                  {manage && <th aria-label="Actions" />}
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((d) => (
                  <tr key={d.outboxId}>
                    <td>
                      #{d.outboxId} {d.subject}
                    </td>
                    <td>{d.to}</td>
                    <td>{d.kind}</td>
                    <td>
                      <Badge tone={tone(d.status)}>{d.status}</Badge>
                    </td>
                    <td className="num">{d.attempts}</td>
                    <td className="small wrap">{d.lastError ?? '—'}</td>
                    <td>{formatDateTime(d.updatedAt)}</td>
                    {manage && (
                      <td className="actions">
                        {d.status === 'dead' && (
                          <Button
                            size="sm"
                            variant="ghost"
                            busy={retry.isPending && retry.variables === d.outboxId}
                            onClick={() =>
                              window.confirm(
                                `Send mail #${d.outboxId} to ${d.to} again? It keeps its idempotency key, so it cannot arrive twice.`,
                              ) &&
                              retry.mutate(d.outboxId, {
                                onSuccess: () => toast(`Mail #${d.outboxId} is queued again`),
                              })
                            }
                          >
                            Retry
                          </Button>
                        )}
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
