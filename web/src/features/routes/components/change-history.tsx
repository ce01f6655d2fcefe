import { ModeBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useRouteChanges } from '../api/list-route-changes';
import { snapshot, type RouteChange } from '../types';

function Change({ c }: { c: RouteChange }) {
  const before = snapshot(c.before);
  const after = snapshot(c.after);
  return (
    <li className="change">
      <div className="change-head">
        <code className="route-key" title={c.routeKey}>
          {c.routeKey}
        </code>
        <time dateTime={c.createdAt} title={formatDateTime(c.createdAt)}>
          {formatRelative(c.createdAt)}
        </time>
      </div>
      <div className="change-modes">
        {before?.mode ? <ModeBadge mode={before.mode} canaryPercent={before.canaryPercent} /> : <span className="muted">new route</span>}
        <span aria-hidden>→</span>
        {after?.mode ? <ModeBadge mode={after.mode} canaryPercent={after.canaryPercent} /> : <span className="muted">—</span>}
        {c.override && <span className="badge badge-warn">override</span>}
      </div>
      <div className="change-reason">“{c.reason}”</div>
      <div className="change-actor">{c.actor}</div>
    </li>
  );
}

/** The route_changes log, newest first, a page at a time; optionally for one route. */
export function ChangeHistory({ routeKey, onClearRoute }: { routeKey?: string; onClearRoute: () => void }) {
  const q = useRouteChanges(routeKey);
  const rows = q.data?.pages.flatMap((p) => p.data) ?? [];
  const total = q.data?.pages[0]?.total;
  return (
    <aside className="panel history" aria-label="Change history">
      <header className="panel-header">
        <h2>Change history</h2>
        {total !== undefined && <span className="muted">{total}</span>}
      </header>
      {routeKey && (
        <div className="history-filter">
          <span className="muted">Only</span> <code className="route-key">{routeKey}</code>
          <button type="button" className="icon-btn" aria-label="Show all routes" onClick={onClearRoute}>
            ×
          </button>
        </div>
      )}
      <div className="panel-body">
        {q.isPending ? (
          <Loading label="Loading history…" />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => void q.refetch()} />
        ) : rows.length === 0 ? (
          <Empty title="No changes yet">{routeKey ? 'This route has never been flipped.' : 'Flips and kill switches will be listed here with who did them and why.'}</Empty>
        ) : (
          <>
            <ol className="changes">
              {rows.map((c) => (
                <Change key={String(c.id)} c={c} />
              ))}
            </ol>
            {q.hasNextPage && (
              <div className="load-more">
                <Button size="sm" busy={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
                  Load older changes
                </Button>
              </div>
            )}
          </>
        )}
      </div>
    </aside>
  );
}
