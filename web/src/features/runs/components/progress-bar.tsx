/** A labelled progress bar (uploads, runs). */
export function ProgressBar({ value, total, label }: { value: number; total: number; label: string }) {
  const pct = total > 0 ? Math.min(100, (100 * value) / total) : 0;
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
      <span className="progress-text">
        {label}: {pct.toFixed(0)}%
      </span>
    </div>
  );
}
