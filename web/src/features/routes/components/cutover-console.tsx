import { useMemo, useState } from 'react';
import { ModeBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { can, useSession } from '../../../lib/auth';
import { formatCount, formatPercent } from '../../../lib/format';
import { useRoutes } from '../api/list-routes';
import { MODES, type Route, type RouteMode } from '../types';
import { ChangeHistory } from './change-history';
import { FlipDialog } from './flip-dialog';
import { GroupFlipDialog } from './group-flip-dialog';
import { KillSwitchDialog } from './kill-switch-dialog';
import { ModeSwitch } from './mode-switch';
import { RouteGateBadge } from './route-gate';

/** "/api/v1/admin/revenue-bands" → "/api/v1/admin"; "/health" → "/health". */
export function pathPrefix(path: string): string {
  const segs = path.split('/').filter(Boolean);
  const take = segs[0] === 'api' && /^v\d+$/.test(segs[1] ?? '') ? 3 : 1;
  const head = segs.slice(0, take).filter((s) => !s.startsWith('{'));
  return `/${head.join('/')}`;
}

function Stats({ r }: { r: Route }) {
  const s = r.stats;
  const rate = s && s.requests > 0 ? s.errorRate : null;
  return (
    <>
      <td className="num">{s ? formatCount(s.requests) : '—'}</td>
      <td className={`num ${rate !== null && rate >= 0.05 ? 'bad' : rate !== null && rate >= 0.01 ? 'warn' : ''}`}>{formatPercent(rate)}</td>
      <td className="num col-p99">{s?.p99Ms != null ? `${Math.round(s.p99Ms)} ms` : '—'}</td>
    </>
  );
}

function RouteRow({ r, selected, canFlip, onSelect, onPick }: { r: Route; selected: boolean; canFlip: boolean; onSelect: () => void; onPick: (m: RouteMode) => void }) {
  return (
    <tr className={selected ? 'selected' : ''} data-route={r.key} onClick={onSelect}>
      <td className="route-cell">
        <span className={`method method-${r.method.toLowerCase()}`}>{r.method}</span>
        <span className="path">{r.path}</span>
        {r.summary && <div className="summary">{r.summary}</div>}
      </td>
      <td>
        <ModeBadge mode={r.mode} canaryPercent={r.canaryPercent} />
      </td>
      <td>{r.module ? <span className="module">{r.module}</span> : <span className="muted" title="No hosted module serves this route yet">none</span>}</td>
      <Stats r={r} />
      <td className="switch-cell" onClick={(e) => e.stopPropagation()}>
        <RouteGateBadge route={r} />
        <ModeSwitch route={r} canFlip={canFlip} onPick={onPick} />
      </td>
    </tr>
  );
}

/** The first screen for ops: every route key with its mode, traffic, and the controls to move it. */
export function CutoverConsole() {
  const session = useSession();
  const canFlip = can(session, 'routes.flip');
  const routes = useRoutes();
  const [search, setSearch] = useState('');
  const [modeFilter, setModeFilter] = useState<RouteMode | 'all'>('all');
  const [grouped, setGrouped] = useState(true);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<string | undefined>();
  const [flip, setFlip] = useState<{ key: string; target: RouteMode } | null>(null);
  const [killOpen, setKillOpen] = useState(false);
  const [groupPrefix, setGroupPrefix] = useState<string | null>(null);

  const all = useMemo(() => routes.data ?? [], [routes.data]);
  const counts = useMemo(() => {
    const c: Record<string, number> = { all: all.length, legacy: 0, shadow: 0, canary: 0, new: 0 };
    for (const r of all) c[r.mode] = (c[r.mode] ?? 0) + 1;
    return c;
  }, [all]);
  const visible = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return all
      .filter((r) => modeFilter === 'all' || r.mode === modeFilter)
      .filter((r) => !needle || r.key.toLowerCase().includes(needle) || (r.summary ?? '').toLowerCase().includes(needle) || (r.module ?? '').toLowerCase().includes(needle))
      .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }, [all, search, modeFilter]);
  const groups = useMemo(() => {
    const m = new Map<string, Route[]>();
    for (const r of visible) {
      const p = grouped ? pathPrefix(r.path) : '';
      m.set(p, [...(m.get(p) ?? []), r]);
    }
    return [...m.entries()];
  }, [visible, grouped]);

  const flipRoute = flip ? (all.find((r) => r.key === flip.key) ?? null) : null;
  const toggle = (p: string) =>
    setCollapsed((s) => {
      const n = new Set(s);
      if (n.has(p)) n.delete(p);
      else n.add(p);
      return n;
    });

  return (
    <div className="page page-console">
      <div className="page-header">
        <div>
          <h1>Cutover console</h1>
          <p className="subtitle">Move routes from the legacy service to fig modules, one at a time, with a way back.</p>
        </div>
        <div className="page-actions">
          {canFlip && (
            <Button variant="danger" onClick={() => setKillOpen(true)} disabled={!routes.data}>
              Kill switch…
            </Button>
          )}
        </div>
      </div>

      <div className="toolbar">
        <input
          type="search"
          className="search"
          placeholder="Search routes, e.g. invoices or GET /api/v1/…"
          aria-label="Search routes"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <div className="filter-chips" role="group" aria-label="Filter by mode">
          {(['all', ...MODES] as const).map((m) => (
            <button key={m} type="button" className={`chip ${m !== 'all' ? `chip-${m}` : ''} ${modeFilter === m ? 'chip-active' : ''}`} aria-pressed={modeFilter === m} onClick={() => setModeFilter(m)}>
              {m} <span className="chip-count">{counts[m] ?? 0}</span>
            </button>
          ))}
        </div>
        <label className="check toolbar-check">
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} /> Group by prefix
        </label>
        {routes.isFetching && !routes.isPending && <span className="spinner spinner-inline" title="Refreshing" />}
      </div>

      <div className="console-grid">
        <section className="panel table-panel" aria-label="Routes">
          {routes.isPending ? (
            <Loading label="Loading the route table…" />
          ) : routes.isError ? (
            <ErrorState error={routes.error} onRetry={() => void routes.refetch()} title="Could not load the route table" />
          ) : all.length === 0 ? (
            <Empty title="The route table is empty">
              Import the legacy routes with <code>npm run fig -- routes import</code>; until then every request is proxied to legacy.
            </Empty>
          ) : visible.length === 0 ? (
            <Empty title="No route matches">
              Nothing matches {search ? <>“{search}”</> : 'this filter'}
              {modeFilter !== 'all' ? ` in mode ${modeFilter}` : ''}.{' '}
              <button
                type="button"
                className="link"
                onClick={() => {
                  setSearch('');
                  setModeFilter('all');
                }}
              >
                Clear filters
              </button>
            </Empty>
          ) : (
            <div className="table-scroll">
              <table className="table routes-table">
                <thead>
                  <tr>
                    <th>Route</th>
                    <th>Mode</th>
                    <th>Module</th>
                    <th className="num" title="Requests in the last 15 minutes">
                      Requests<span className="th-sub">last 15 min</span>
                    </th>
                    <th className="num" title="Share of 5xx answers in the last 15 minutes">
                      Errors<span className="th-sub">last 15 min</span>
                    </th>
                    <th className="num col-p99" title="99th percentile latency, last 15 minutes">
                      p99<span className="th-sub">last 15 min</span>
                    </th>
                    <th>Switch mode</th>
                  </tr>
                </thead>
                {groups.map(([prefix, rows]) => {
                  const isCollapsed = collapsed.has(prefix);
                  const off = rows.filter((r) => r.mode !== 'legacy').length;
                  return (
                    <tbody key={prefix || 'all'}>
                      {grouped && (
                        <tr className="group-row" onClick={() => toggle(prefix)}>
                          <th colSpan={7} scope="rowgroup">
                            <button type="button" className="group-toggle" aria-expanded={!isCollapsed}>
                              <span className={`caret ${isCollapsed ? '' : 'open'}`} aria-hidden>
                                ▸
                              </span>
                              <span className="path">{prefix}</span>
                              <span className="muted">
                                {rows.length} route{rows.length === 1 ? '' : 's'}
                                {off > 0 ? ` · ${off} off legacy` : ''}
                              </span>
                            </button>
                            {canFlip && prefix && (
                              <Button
                                variant="ghost"
                                size="sm"
                                className="group-flip"
                                onClick={(e) => {
                                  e.stopPropagation();
                                  setGroupPrefix(prefix);
                                }}
                              >
                                Flip group…
                              </Button>
                            )}
                          </th>
                        </tr>
                      )}
                      {!isCollapsed &&
                        rows.map((r) => (
                          <RouteRow
                            key={r.key}
                            r={r}
                            selected={selected === r.key}
                            canFlip={canFlip}
                            onSelect={() => setSelected((s) => (s === r.key ? undefined : r.key))}
                            onPick={(target) => setFlip({ key: r.key, target })}
                          />
                        ))}
                    </tbody>
                  );
                })}
              </table>
            </div>
          )}
        </section>
        <ChangeHistory routeKey={selected} onClearRoute={() => setSelected(undefined)} />
      </div>

      <FlipDialog route={flipRoute} target={flip?.target ?? null} canOverride={can(session, 'routes.override')} onClose={() => setFlip(null)} />
      <GroupFlipDialog
        prefix={groupPrefix}
        routes={groupPrefix ? all.filter((r) => r.path === groupPrefix || r.path.startsWith(`${groupPrefix}/`) || r.path.startsWith(`${groupPrefix}.`)) : []}
        canOverride={can(session, 'routes.override')}
        onClose={() => setGroupPrefix(null)}
      />
      <KillSwitchDialog open={killOpen} affected={all.length - (counts.legacy ?? 0)} onClose={() => setKillOpen(false)} />
    </div>
  );
}
