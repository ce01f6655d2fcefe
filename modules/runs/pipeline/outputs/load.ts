import { sql } from 'kysely';
import { withTenant, type Trx } from '../../../core/db';
import type { RowMapping } from '../../../core/cell-number';
import type { RunRecord } from '../../tables';
import { identitySql, uploadRowMapping } from '../repo';
import { RunErrors } from '../errors';
import { getRunIn } from '../service/read-runs';
import type { Caller, PipelineDeps } from '../service/context';
import type { OutputRow, OutputRun } from './types';

/** States whose results are frozen enough to hand out (computed; reviewed or finalized). */
const CALCULATED = new Set(['completed', 'in_review', 'finalized']);

function toOutputRun(run: RunRecord): OutputRun {
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    planId: run.plan_id,
    planVersion: run.plan_version,
    payoutOutput: run.payout_output ?? 'bonus',
    pool: run.pool_amount,
    snapshotHash: run.snapshot_hash,
    layout: run.tape_layout,
  };
}

async function calculatedRun(trx: Trx, id: number): Promise<RunRecord> {
  const run = await getRunIn(trx, id);
  if (!CALCULATED.has(run.status)) throw RunErrors.notCalculated(id, run.status);
  return run;
}

function rowsQuery(trx: Trx, run: RunRecord, mapping: RowMapping | null) {
  const who = identitySql(mapping);
  return trx
    .selectFrom('runs.run_results as r')
    .innerJoin('runs.upload_rows as u', (j) =>
      j.on('u.upload_id', '=', run.upload_id).onRef('u.row_no', '=', 'r.row_no'),
    )
    .select([
      'r.row_no',
      'r.employee_id',
      who.name.as('name'),
      who.department.as('department'),
      'r.ok',
      'r.outputs',
      'r.error',
      'r.tape',
      'r.pool_share',
    ])
    .where('r.run_id', '=', run.id);
}

type Selected = Awaited<ReturnType<ReturnType<typeof rowsQuery>['execute']>>[number];

function toOutputRow(run: OutputRun, r: Selected): OutputRow {
  const payout = r.ok ? (r.outputs[run.payoutOutput] ?? null) : null;
  return {
    rowNo: r.row_no,
    employeeId: r.employee_id,
    name: r.name,
    department: r.department,
    ok: r.ok,
    outputs: r.outputs,
    error: r.error,
    tape: r.tape,
    payout,
    poolShare: r.ok ? (r.pool_share ?? (run.pool !== null ? payout : null)) : null,
  };
}

/** A calculated run and one employee's result (404 problem when the run has no such employee). */
export const loadStatement = (deps: PipelineDeps, caller: Caller, id: number, employeeId: string) =>
  withTenant(deps.db, caller.tenantId, async (trx) => {
    const record = await calculatedRun(trx, id);
    const run = toOutputRun(record);
    const row = await rowsQuery(trx, record, await uploadRowMapping(trx, record.upload_id))
      .where('r.employee_id', '=', employeeId)
      .orderBy('r.row_no')
      .executeTakeFirst();
    if (!row) throw RunErrors.employeeNotFound(id, employeeId);
    return { run, row: toOutputRow(run, row) };
  });

/** Results read per page of an export (one short tenant transaction each). */
export const EXPORT_PAGE_ROWS = 5_000;

/**
 * A calculated run (checked now: 404/409 before any byte is sent), its output columns, and its
 * results in row order as pages of EXPORT_PAGE_ROWS read by keyset (`row_no > last`), each in its
 * own short transaction: memory holds one page whatever the run's size. The results of a
 * calculated run no longer change, so the pages form one consistent table.
 */
export async function openResults(
  deps: PipelineDeps,
  caller: Caller,
  id: number,
  pageRows = EXPORT_PAGE_ROWS,
) {
  const { record, columns, mapping } = await withTenant(deps.db, caller.tenantId, async (trx) => {
    const record = await calculatedRun(trx, id);
    const mapping = await uploadRowMapping(trx, record.upload_id);
    const columns = record.tape_layout
      ? [...new Set(record.tape_layout.steps.map((s) => s.output))]
      : (
          await sql<{
            k: string;
          }>`select distinct jsonb_object_keys(outputs) as k from runs.run_results where run_id = ${id} order by 1`.execute(
            trx,
          )
        ).rows.map((r) => r.k);
    return { record, columns, mapping };
  });
  const run = toOutputRun(record);
  async function* pages(): AsyncGenerator<OutputRow[]> {
    let after = -1;
    for (;;) {
      const page = await withTenant(deps.db, caller.tenantId, (trx) =>
        rowsQuery(trx, record, mapping).where('r.row_no', '>', after).orderBy('r.row_no').limit(pageRows).execute(),
      );
      if (page.length === 0) return;
      yield page.map((r) => toOutputRow(run, r));
      after = page[page.length - 1]!.row_no;
      if (page.length < pageRows) return;
    }
  }
  return { run, columns, pages };
}
