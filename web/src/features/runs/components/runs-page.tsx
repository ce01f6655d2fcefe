import { Link } from '../../../app/router';
import { Badge } from '../../../components/ui/badge';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { can, useSession } from '../../../lib/auth';
import { formatMoney } from '../../../lib/decimal';
import { formatRelative } from '../../../lib/format';
import { useRuns } from '../api/runs';

/** The organisation's runs, newest first. */
export function RunsPage() {
  const session = useSession();
  const tenantId = session.tenant?.id ?? '';
  const runs = useRuns(tenantId);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Runs</h1>
          <p className="subtitle">A locked plan over an employee file: calculated in the background, approved, finalized.</p>
        </div>
        <div className="page-actions">
          {can(session, 'runs.write') && (
            <Link to="/runs/new" className="btn btn-primary">
              New run…
            </Link>
          )}
        </div>
      </div>
      <section className="panel">
        {runs.isPending ? (
          <Loading label="Loading runs…" />
        ) : runs.isError ? (
          <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
        ) : runs.data.data.length === 0 ? (
          <Empty title="No runs yet">Start one from an employee file and a locked plan.</Empty>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Status</th>
                  <th className="num">Employees</th>
                  <th className="num">Total payout</th>
                  <th>Started</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.data.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/runs/${r.id}`} className="strong-link">
                        {r.name ?? `Run ${r.id}`}
                      </Link>
                    </td>
                    <td>
                      <Badge tone={r.status === 'finalized' || r.status === 'completed' ? 'ok' : r.status === 'failed' ? 'danger' : 'warn'}>{r.status.replace('_', ' ')}</Badge>
                    </td>
                    <td className="num">{r.totals.employees.toLocaleString()}</td>
                    <td className="num money">{r.totals.totalPayout === null ? '—' : formatMoney(r.totals.totalPayout)}</td>
                    <td>
                      {r.createdBy} · {formatRelative(r.createdAt)}
                    </td>
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
