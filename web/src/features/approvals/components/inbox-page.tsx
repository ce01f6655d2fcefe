import { Link } from '../../../app/router';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { useSession } from '../../../lib/auth';
import { formatMoney } from '../../../lib/decimal';
import { formatRelative } from '../../../lib/format';
import { useInbox } from '../api/list-approvals';
import { DecideActions } from './approval-panel';
import { SubjectLink } from './subject-link';
import '../approvals.css';

/** Approvals waiting for one of my roles (runs and AP bills alike), with approve/reject in place. */
export function ApprovalsInboxPage({ subjectType, title = 'Approvals' }: { subjectType?: string; title?: string; params?: Record<string, string> }) {
  const session = useSession();
  const tenantId = session.tenant?.id ?? '';
  const inbox = useInbox(tenantId);
  // One kind of subject only when given (the AP/AR section's bill approvals).
  const rows = inbox.data?.data.filter((i) => !subjectType || i.subjectType === subjectType) ?? [];
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{title}</h1>
          <p className="subtitle">
            Waiting for {session.roles.length ? `your role${session.roles.length > 1 ? 's' : ''}: ${session.roles.join(', ')}` : 'a role you do not have'}.
          </p>
        </div>
      </div>
      <section className="panel" data-testid="approvals-inbox">
        {!tenantId ? (
          <Empty title="No organisation">Sign in as a member of an organisation to see its approvals.</Empty>
        ) : inbox.isPending ? (
          <Loading label="Loading approvals…" />
        ) : inbox.isError ? (
          <ErrorState error={inbox.error} onRetry={() => void inbox.refetch()} />
        ) : rows.length === 0 ? (
          <Empty title="Nothing waiting for you">When a run or a bill reaches a step for your role, it shows up here.</Empty>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Subject</th>
                  <th className="num">Amount</th>
                  <th>Step</th>
                  <th>Submitted</th>
                  <th>Last decision</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {rows.map((i) => {
                  const last = i.history.at(-1);
                  return (
                    <tr key={i.id} data-subject-id={i.subjectId}>
                      <td>
                        <SubjectLink instance={i} />
                        <div className="small">
                          <Link to={`/approvals/${i.id}`}>Details</Link>
                        </div>
                      </td>
                      <td className="num money">{i.amount === null ? <span className="muted">—</span> : formatMoney(i.amount)}</td>
                      <td>
                        {i.currentStep && (
                          <>
                            <strong>{i.currentStep.label || i.currentStep.role}</strong>
                            <div className="muted small">
                              step {i.currentStep.position} of {i.currentStep.of} · {i.currentStep.role}
                            </div>
                          </>
                        )}
                      </td>
                      <td>
                        {i.startedBy}
                        <div className="muted small">{formatRelative(i.createdAt)}</div>
                      </td>
                      <td>
                        {last ? (
                          <>
                            {last.actor}
                            {last.comment && <div className="muted small">“{last.comment}”</div>}
                          </>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td>
                        <DecideActions tenantId={tenantId} instance={i} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
