import { formatMoney } from '../../../lib/decimal';
import type { RunView } from '../types';

interface Bar {
  label: string;
  value: string;
  tone: string;
}

/**
 * Pool vs target as plain SVG bars: what the plan computed for everyone (target), the pool the run
 * was given, and what is paid after the pool scaled the payouts. Lengths use floats (geometry
 * only); the labels are the exact decimal strings.
 */
export function PoolChart({ run }: { run: RunView }) {
  const bars: Bar[] = [];
  if (run.totals.totalPayout !== null) bars.push({ label: 'Target (plan payouts)', value: run.totals.totalPayout, tone: '#6b7280' });
  if (run.pool !== null) bars.push({ label: 'Pool', value: run.pool, tone: '#2563eb' });
  if (run.totals.totalPool !== null) bars.push({ label: 'Paid after pool', value: run.totals.totalPool, tone: '#15803d' });
  if (bars.length === 0) return <p className="muted">No totals yet.</p>;
  const max = Math.max(...bars.map((b) => Number(b.value)), 1);
  const width = 520;
  const labelW = 150;
  const barH = 22;
  const gap = 12;
  const height = bars.length * (barH + gap);
  const target = Number(run.totals.totalPayout ?? 0);
  const pool = Number(run.pool ?? 0);
  const ratio = target > 0 && run.pool !== null ? pool / target : null;
  return (
    <figure className="pool-chart" data-testid="pool-chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={bars.map((b) => `${b.label} ${formatMoney(b.value)}`).join(', ')}>
        {bars.map((b, i) => {
          const y = i * (barH + gap);
          const w = Math.max(2, ((width - labelW - 110) * Number(b.value)) / max);
          return (
            <g key={b.label}>
              <text x={0} y={y + barH * 0.7} fontSize="12" fill="currentColor">
                {b.label}
              </text>
              <rect x={labelW} y={y} width={w} height={barH} rx={3} fill={b.tone} />
              <text x={labelW + w + 6} y={y + barH * 0.7} fontSize="12" fill="currentColor" style={{ fontVariantNumeric: 'tabular-nums' }}>
                {formatMoney(b.value)}
              </text>
            </g>
          );
        })}
      </svg>
      {ratio !== null && (
        <figcaption className="muted small">
          The pool is {(ratio * 100).toFixed(1)}% of the target{run.totals.poolApplied ? '; payouts were scaled to fit it.' : '; payouts were not scaled.'}
        </figcaption>
      )}
    </figure>
  );
}
