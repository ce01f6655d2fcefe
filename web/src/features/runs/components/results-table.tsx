import { useMemo, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { ErrorState } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { VirtualTable, type SortState, type VirtualColumn } from '../../../components/ui/virtual-table';
import { formatMoney } from '../../../lib/decimal';
import { downloadStatement, saveBlob, useRunResults } from '../api/results';
import type { RunResult } from '../types';

function StatementButton({ tenantId, runId, employeeId }: { tenantId: string; runId: number; employeeId: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="sm"
      variant="ghost"
      busy={busy}
      aria-label={`Statement of ${employeeId}`}
      onClick={() => {
        setBusy(true);
        downloadStatement(tenantId, runId, employeeId)
          .then((r) => saveBlob(r.blob, r.filename ?? `statement-${runId}-${employeeId}.pdf`))
          .catch((err: Error) => toast(err.message, 'error'))
          .finally(() => setBusy(false));
      }}
    >
      PDF
    </Button>
  );
}

/** Every employee's result, virtualised (100k rows scroll smoothly), loaded page by page, sorted by the server. */
export function ResultsTable({ tenantId, runId }: { tenantId: string; runId: number }) {
  const [sort, setSort] = useState<SortState>({ id: 'row_no', desc: false });
  const sortParam = `${sort.desc ? '-' : ''}${sort.id}`;
  const rows = useRunResults(tenantId, runId, sortParam);
  const columns = useMemo<VirtualColumn<RunResult>[]>(
    () => [
      { id: 'row_no', header: 'Row', numeric: true, width: 70, sortable: true, cell: (r) => r.rowNo },
      { id: 'employee_id', header: 'Employee', width: 130, sortable: true, cell: (r) => r.employeeId },
      { id: 'name', header: 'Name', cell: (r) => r.name },
      { id: 'department', header: 'Department', cell: (r) => r.department },
      { id: 'payout', header: 'Payout', numeric: true, sortable: true, cell: (r) => (r.payout === null ? '—' : formatMoney(r.payout)) },
      { id: 'pool_share', header: 'After pool', numeric: true, cell: (r) => (r.poolShare === null ? '—' : formatMoney(r.poolShare)) },
      { id: 'ok', header: 'Status', width: 150, cell: (r) => (r.ok ? 'ok' : <span className="bad" title={r.error?.message}>{r.error?.step ?? 'failed'}</span>) },
      { id: 'statement', header: 'Statement', width: 100, cell: (r) => <StatementButton tenantId={tenantId} runId={runId} employeeId={r.employeeId} /> },
    ],
    [tenantId, runId],
  );
  if (rows.error) return <ErrorState error={rows.error} onRetry={() => void rows.refetch()} />;
  return (
    <div data-testid="results-table">
      <p className="muted small">
        {rows.total.toLocaleString()} employee(s){rows.isFetching ? ' · loading…' : ''}
      </p>
      <VirtualTable label="Results" columns={columns} total={rows.total} rowAt={rows.rowAt} onRange={rows.setRange} sort={sort} onSort={setSort} />
    </div>
  );
}
