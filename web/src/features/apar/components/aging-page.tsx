import { useState } from 'react';
import { Link, navigate, useLocation } from '../../../app/router';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { formatMoney, isZero } from '../../../lib/decimal';
import { useSession } from '../../../lib/auth';
import { useAging } from '../api/reports';
import { APAR, DOCUMENT_BOOKS, PARTY_BOOKS, partyHref, type AgingReport } from '../types';
import { AparNav } from './apar-nav';
import { ExportButtons } from './export-buttons';
import { Money, today } from './bits';

const BAR_TONES = ['#2f6f4f', '#c9a227', '#d97706', '#c2410c', '#b42318', '#7f1d1d'];

/**
 * The buckets as SVG bars in the base currency; a bar is a button that selects its bucket. Bar
 * lengths use floats (geometry only); the labels are the exact decimal strings.
 */
function AgingChart({ report, selected, onSelect }: { report: AgingReport; selected: string | null; onSelect: (b: string | null) => void }) {
  const max = Math.max(...report.buckets.map((b) => Math.abs(Number(b.baseAmount))), 1);
  const width = 760;
  const barH = 26;
  const gap = 10;
  const labelW = 90;
  const height = report.buckets.length * (barH + gap);
  return (
    <svg className="apar-chart" viewBox={`0 0 ${width} ${height}`} width="100%" role="group" aria-label="Aging by bucket" data-testid="aging-chart">
      {report.buckets.map((b, i) => {
        const y = i * (barH + gap);
        const w = Math.max(2, ((width - labelW - 200) * Math.abs(Number(b.baseAmount))) / max);
        const active = selected === b.bucket;
        return (
          <g
            key={b.bucket}
            role="button"
            tabIndex={0}
            aria-pressed={active}
            aria-label={`${b.bucket}: ${formatMoney(b.baseAmount)} ${report.baseCurrency}, ${b.count} documents`}
            data-bucket={b.bucket}
            data-amount={b.baseAmount}
            className={`apar-bar ${active ? 'active' : ''} ${selected && !active ? 'dim' : ''}`}
            onClick={() => onSelect(active ? null : b.bucket)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onSelect(active ? null : b.bucket);
              }
            }}
          >
            <text x={0} y={y + barH * 0.68} fontSize="13" fill="currentColor">
              {b.bucket === 'current' ? 'Not yet due' : `${b.bucket} days`}
            </text>
            <rect x={labelW} y={y} width={w} height={barH} rx={3} fill={BAR_TONES[Math.min(i, BAR_TONES.length - 1)]} />
            <text x={labelW + w + 8} y={y + barH * 0.68} fontSize="13" fill="currentColor" style={{ fontVariantNumeric: 'tabular-nums' }}>
              {formatMoney(b.baseAmount)} · {b.count} doc{b.count === 1 ? '' : 's'}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** /app/apar/aging?side=AR&asOf=: aging from the ledger as of a date, by bucket and party, drilling down to documents. */
export function AgingPage() {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const { pathname, search } = useLocation();
  const side = search.get('side') === 'AP' ? 'AP' : 'AR';
  const asOf = search.get('asOf') || today();
  const [bucket, setBucket] = useState<string | null>(null);
  const aging = useAging(tid, side, asOf);
  const partyKind = side === 'AR' ? 'customer' : 'vendor';
  const docPath = DOCUMENT_BOOKS[PARTY_BOOKS[partyKind].document].path;
  const set = (next: { side?: string; asOf?: string }) => {
    setBucket(null);
    navigate(`${pathname}?side=${next.side ?? side}&asOf=${next.asOf ?? asOf}`, { replace: true });
  };
  const r = aging.data;
  const idx = r && bucket ? r.buckets.findIndex((b) => b.bucket === bucket) : -1;
  const parties = r ? r.parties.filter((p) => idx < 0 || !isZero(p.buckets[idx]?.baseAmount)) : [];

  return (
    <div className="page apar">
      <AparNav />
      <div className="page-header">
        <div>
          <h1>Aging</h1>
          <p className="subtitle">Open {side === 'AR' ? 'receivables' : 'payables'} by days past due, from the ledger as of the date, in the base currency.</p>
        </div>
        <div className="apar-inline">
          <div className="filter-chips" role="group" aria-label="Side">
            {(['AR', 'AP'] as const).map((s) => (
              <button key={s} type="button" className={`chip ${side === s ? 'chip-active' : ''}`} aria-pressed={side === s} onClick={() => set({ side: s })}>
                {s === 'AR' ? 'Receivables' : 'Payables'}
              </button>
            ))}
          </div>
          <label className="filter">
            <span>As of</span>
            <input type="date" name="asOf" value={asOf} onChange={(e) => e.target.value && set({ asOf: e.target.value })} />
          </label>
          <ExportButtons path="aging/export" query={{ side, asOf }} name={`aging-${side}-${asOf}`} />
        </div>
      </div>
      {aging.isPending ? (
        <Loading label="Computing aging…" />
      ) : aging.isError ? (
        <ErrorState error={aging.error} onRetry={() => void aging.refetch()} />
      ) : r!.count === 0 ? (
        <section className="panel">
          <Empty title="Nothing open">No open {side === 'AR' ? 'invoices' : 'bills'} as of {asOf}.</Empty>
        </section>
      ) : (
        <>
          <div className="apar-cards">
            <div className="apar-card" data-testid="aging-total">
              <span className="muted">Total open ({r!.baseCurrency})</span>
              <Money value={r!.baseTotal} strong />
            </div>
            <div className="apar-card">
              <span className="muted">Documents</span>
              <span className="apar-money">{r!.count}</span>
            </div>
            {r!.currencies.map((c) => (
              <div key={c.currency} className="apar-card">
                <span className="muted">In {c.currency}</span>
                <Money value={c.total} currency={c.currency} />
              </div>
            ))}
          </div>
          <section className="panel panel-pad">
            <AgingChart report={r!} selected={bucket} onSelect={setBucket} />
            <p className="muted small">{bucket ? `Showing ${side === 'AR' ? 'customers' : 'vendors'} with an amount ${bucket === 'current' ? 'not yet due' : `${bucket} days past due`}; click the bar again for all.` : 'Click a bar to see who is in it.'}</p>
          </section>
          <section className="panel">
            <div className="table-x">
              <table className="table" data-testid="aging-parties">
                <thead>
                  <tr>
                    <th>{PARTY_BOOKS[partyKind].label}</th>
                    {r!.buckets.map((b) => (
                      <th key={b.bucket} className={`num ${bucket === b.bucket ? 'apar-col-active' : ''}`}>
                        {b.bucket}
                      </th>
                    ))}
                    <th className="num">Total</th>
                    <th aria-label="Documents" />
                  </tr>
                </thead>
                <tbody>
                  {parties.map((p) => (
                    <tr key={p.id} data-party={p.name}>
                      <td>
                        <Link to={partyHref(partyKind, p.id)} className="strong-link">
                          {p.name}
                        </Link>
                      </td>
                      {p.buckets.map((b) => (
                        <td key={b.bucket} className={`num ${bucket === b.bucket ? 'apar-col-active' : ''}`}>
                          {isZero(b.baseAmount) ? <span className="muted">—</span> : <Money value={b.baseAmount} />}
                        </td>
                      ))}
                      <td className="num">
                        <Money value={p.baseTotal} strong />
                      </td>
                      <td className="actions">
                        <Link to={`${APAR}/${docPath}?partyId=${p.id}`} className="small">
                          {side === 'AR' ? 'Invoices' : 'Bills'} →
                        </Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot className="apar-totals apar-foot-left">
                  <tr className="apar-grand">
                    <td>Total</td>
                    {r!.buckets.map((b) => (
                      <td key={b.bucket} className="num" data-bucket-total={b.bucket}>
                        <Money value={b.baseAmount} />
                      </td>
                    ))}
                    <td className="num">
                      <Money value={r!.baseTotal} strong />
                    </td>
                    <td />
                  </tr>
                </tfoot>
              </table>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
