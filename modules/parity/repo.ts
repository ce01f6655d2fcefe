import { sql } from 'kysely';
import type { Trx } from '../core/db';
import type { MismatchRecord, ParityChunkSpec, ParityOutcome } from './outcome';
import type { MismatchQuery } from './schema';
import type { ParityMismatchRow, ParityReportChunkRow, ParityReportRow } from './tables';
import './tables';

/**
 * A mismatch without its tapes: what lists and exports read. After the id, in the order of the
 * export's columns.
 */
export const MISMATCH_SUMMARY_COLUMNS = [
  'id',
  'batch_id',
  'employee_id',
  'output',
  'legacy_value',
  'new_value',
  'abs_diff',
  'within_tolerance',
  'first_diff_step',
] as const;
export type MismatchSummaryRow = Pick<ParityMismatchRow, (typeof MISMATCH_SUMMARY_COLUMNS)[number]>;

/** Insert a report in status `running`. */
export async function insertReport(
  trx: Trx,
  r: { tenantId: string; name: string; source: unknown; planRef: unknown; createdBy: string },
): Promise<ParityReportRow> {
  return trx
    .insertInto('parity.reports')
    .values({
      tenant_id: r.tenantId,
      name: r.name,
      source: JSON.stringify(r.source),
      plan_ref: JSON.stringify(r.planRef),
      status: 'running',
      error: null,
      duration_ms: null,
      created_by: r.createdBy,
      signed_off_by: null,
      sign_off_note: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findReport(trx: Trx, id: string): Promise<ParityReportRow | undefined> {
  return trx.selectFrom('parity.reports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Lock a report row for an update (sign-off). */
export async function findReportForUpdate(trx: Trx, id: string): Promise<ParityReportRow | undefined> {
  return trx.selectFrom('parity.reports').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function listReports(
  trx: Trx,
  offset: number,
  limit: number,
): Promise<{ rows: ParityReportRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    trx
      .selectFrom('parity.reports')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .offset(offset)
      .limit(limit)
      .execute(),
    trx
      .selectFrom('parity.reports')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Insert mismatches (500 a statement). */
async function insertMismatches(trx: Trx, tenantId: string, reportId: string, mismatches: MismatchRecord[]): Promise<void> {
  const rows = mismatches.map((m) => ({
    tenant_id: tenantId,
    report_id: reportId,
    employee_id: m.employeeId,
    batch_id: m.batchId,
    output: m.output,
    legacy_value: m.legacyValue,
    new_value: m.newValue,
    abs_diff: m.absDiff,
    within_tolerance: m.withinTolerance,
    first_diff_step: m.firstDiffStep,
    legacy_tape: JSON.stringify(m.legacyTape),
    new_tape: JSON.stringify(m.newTape),
  }));
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto('parity.mismatches')
      .values(rows.slice(i, i + 500))
      .execute();
}

/** Plan a report's chunks once: a second planning (a resumed or repeated job) keeps the first. */
export async function planChunks(trx: Trx, tenantId: string, reportId: string, specs: ParityChunkSpec[]): Promise<void> {
  await trx
    .insertInto('parity.report_chunks')
    .values(
      specs.map((spec, i) => ({
        tenant_id: tenantId,
        report_id: reportId,
        chunk_no: i,
        spec: JSON.stringify(spec),
        employees: spec.employees,
      })),
    )
    .onConflict((oc) => oc.columns(['report_id', 'chunk_no']).doNothing())
    .execute();
}

/** A report's chunks in order. */
export async function listChunks(trx: Trx, reportId: string): Promise<ParityReportChunkRow[]> {
  return trx.selectFrom('parity.report_chunks').selectAll().where('report_id', '=', reportId).orderBy('chunk_no').execute();
}

/** Count a computation of a chunk as started. */
export async function startChunk(trx: Trx, reportId: string, chunkNo: number): Promise<void> {
  await trx
    .updateTable('parity.report_chunks')
    .set((eb) => ({ tries: eb('tries', '+', 1) }))
    .where('report_id', '=', reportId)
    .where('chunk_no', '=', chunkNo)
    .execute();
}

/**
 * Write a computed chunk: its summary and its mismatches, once. Returns false (and writes nothing)
 * when the chunk was already written (another worker took the same job after a lost lock).
 */
export async function writeChunk(
  trx: Trx,
  tenantId: string,
  reportId: string,
  chunkNo: number,
  summary: unknown,
  mismatches: MismatchRecord[],
): Promise<boolean> {
  const claimed = await trx
    .updateTable('parity.report_chunks')
    .set({ done: true, summary: JSON.stringify(summary), done_at: new Date() })
    .where('report_id', '=', reportId)
    .where('chunk_no', '=', chunkNo)
    .where('done', '=', false)
    .returning('chunk_no')
    .executeTakeFirst();
  if (!claimed) return false;
  await insertMismatches(trx, tenantId, reportId, mismatches);
  return true;
}

/** The report's totals once every chunk is written; a report already finished is left as it is. */
export async function finishReport(
  trx: Trx,
  reportId: string,
  o: Omit<ParityOutcome, 'mismatches'>,
): Promise<ParityReportRow | undefined> {
  return trx
    .updateTable('parity.reports')
    .set({
      status: 'done',
      plan_ref: JSON.stringify(o.planRef),
      employees: o.employees,
      matched: o.matched,
      mismatched: o.mismatched,
      within_tolerance: o.withinTolerance,
      max_abs_diff: o.maxAbsDiff,
      by_output: JSON.stringify(o.byOutput),
      batches: JSON.stringify(o.batches),
      gate_a: JSON.stringify(o.gateA),
      duration_ms: o.durationMs,
      finished_at: new Date(),
    })
    .where('id', '=', reportId)
    .where('status', '=', 'running')
    .returningAll()
    .executeTakeFirst();
}

export async function markFailed(trx: Trx, reportId: string, error: string): Promise<void> {
  await trx
    .updateTable('parity.reports')
    .set({ status: 'failed', error: error.slice(0, 2000), finished_at: new Date() })
    .where('id', '=', reportId)
    .where('status', '=', 'running')
    .execute();
}

export async function setSignOff(
  trx: Trx,
  reportId: string,
  by: string,
  note: string,
): Promise<ParityReportRow> {
  return trx
    .updateTable('parity.reports')
    .set({ signed_off_by: by, signed_off_at: new Date(), sign_off_note: note })
    .where('id', '=', reportId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

function filtered(trx: Trx, reportId: string, q: Omit<MismatchQuery, 'limit' | 'cursor'>) {
  let query = trx.selectFrom('parity.mismatches').where('report_id', '=', reportId);
  if (q.output) query = query.where('output', '=', q.output);
  if (q.batchId) query = query.where('batch_id', '=', q.batchId);
  if (q.employeeId) query = query.where('employee_id', '=', q.employeeId);
  if (q.minDiff) query = query.where(sql<boolean>`(abs_diff is null or abs_diff >= ${q.minDiff}::numeric)`);
  if (q.overToleranceOnly === 'true') query = query.where('within_tolerance', '=', false);
  return query;
}

/** Mismatches of a report, largest difference first (missing values first of all), filtered. */
export async function listMismatches(
  trx: Trx,
  reportId: string,
  q: MismatchQuery,
  offset: number,
): Promise<{ rows: MismatchSummaryRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered(trx, reportId, q)
      .select(MISMATCH_SUMMARY_COLUMNS)
      .orderBy(sql`abs_diff desc nulls first`)
      .orderBy('id')
      .offset(offset)
      .limit(q.limit)
      .execute(),
    filtered(trx, reportId, q)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Every mismatch row of one employee in a report (all batches), in batch then id order. */
export async function employeeMismatches(
  trx: Trx,
  reportId: string,
  employeeId: string,
): Promise<ParityMismatchRow[]> {
  return trx
    .selectFrom('parity.mismatches')
    .selectAll()
    .where('report_id', '=', reportId)
    .where('employee_id', '=', employeeId)
    .orderBy('batch_id')
    .orderBy('id')
    .execute();
}

/** Mismatches after an id (export paging). */
export async function mismatchesAfter(
  trx: Trx,
  reportId: string,
  afterId: string,
  limit: number,
): Promise<MismatchSummaryRow[]> {
  return trx
    .selectFrom('parity.mismatches')
    .select(MISMATCH_SUMMARY_COLUMNS)
    .where('report_id', '=', reportId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The newest signed-off report, and the newest finished one. */
export async function latestReports(
  trx: Trx,
): Promise<{ signed?: ParityReportRow; latest?: ParityReportRow }> {
  const [signed, latest] = await Promise.all([
    trx
      .selectFrom('parity.reports')
      .selectAll()
      .where('signed_off_at', 'is not', null)
      .orderBy('signed_off_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
    trx
      .selectFrom('parity.reports')
      .selectAll()
      .where('status', '=', 'done')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return { signed, latest };
}
