import { Badge } from '../../../components/ui/badge';
import type { ParityReport } from '../types';

/** Gate A of a report: passed, failed, or not evaluated yet (running, failed run). */
export function GateABadge({ report }: { report: Pick<ParityReport, 'gateA' | 'status'> }) {
  if (!report.gateA)
    return <Badge tone="neutral">{report.status === 'running' ? 'pending' : 'not evaluated'}</Badge>;
  const failing = report.gateA.checks.filter((c) => !c.passed).map((c) => c.name);
  return report.gateA.passed ? (
    <Badge tone="ok" title="Every Gate A check passed">
      ✓ Gate A passed
    </Badge>
  ) : (
    <Badge tone="bad" title={`Failing: ${failing.join(', ')}`}>
      ✗ Gate A failed
    </Badge>
  );
}

/** Run status of a report. */
export function StatusBadge({ status }: { status: ParityReport['status'] }) {
  if (status === 'running')
    return (
      <Badge tone="warn">
        <span className="spinner spinner-inline" aria-hidden /> running
      </Badge>
    );
  return <Badge tone={status === 'done' ? 'neutral' : 'bad'}>{status}</Badge>;
}
