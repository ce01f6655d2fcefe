import { Button } from '../../../components/ui/button';

/** Previous / next over cursor pages (the cursors seen so far are the way back). */
export function Pager({
  total,
  shown,
  hasPrevious,
  hasMore,
  busy,
  onPrevious,
  onNext,
}: {
  total: number;
  shown: number;
  hasPrevious: boolean;
  hasMore: boolean;
  busy: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  if (!hasPrevious && !hasMore) return <div className="portal-pager muted small">{total} in all</div>;
  return (
    <div className="portal-pager">
      <span className="muted small">
        {shown} of {total}
      </span>
      <Button size="sm" disabled={!hasPrevious || busy} onClick={onPrevious}>
        Previous
      </Button>
      <Button size="sm" disabled={!hasMore || busy} onClick={onNext}>
        Next
      </Button>
    </div>
  );
}
