import { sql } from 'kysely';
import { mapFields, rowMappingOf } from '../core/cell-number';
import { copyInto, copyLine, copyOut } from '../core/copy';
import type { Trx } from '../core/db';
import type {
  NewRun,
  NewRunResult,
  NewScenario,
  NewUpload,
  NewUploadRow,
  RunRecord,
  ScenarioRecord,
  UploadRecord,
  UploadRowRecord,
} from './tables';
import './tables';

/** Rows per multi-row INSERT (5–7 parameters a row stays far below Postgres' 65,535). */
const CHUNK = 1_000;

async function insertChunked<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

const count = (v: string | number | bigint | undefined) => Number(v ?? 0);

// ---- uploads ----------------------------------------------------------------------------------

export function insertUpload(trx: Trx, row: NewUpload): Promise<UploadRecord> {
  return trx.insertInto('runs.uploads').values(row).returningAll().executeTakeFirstOrThrow();
}

/** An upload's rows, loaded with COPY (one statement per CHUNK rows; inputs as jsonb text). */
export async function insertUploadRows(trx: Trx, rows: readonly NewUploadRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += COPY_CHUNK) {
    const text = rows
      .slice(i, i + COPY_CHUNK)
      .map((r) => copyLine([r.upload_id, r.tenant_id, r.row_no, r.employee_id, r.name ?? '', r.department ?? '', r.inputs ?? '{}']))
      .join('');
    await copyInto(trx, 'runs.upload_rows', ['upload_id', 'tenant_id', 'row_no', 'employee_id', 'name', 'department', 'inputs'], text);
  }
}

/** Upload rows per COPY statement: big enough to amortise a round trip, small enough to keep one chunk's text small. */
const COPY_CHUNK = 10_000;

/**
 * An upload's rows with `from < row_no <= to`, in file order, inputs as jsonb text: a chunk read
 * by a bounded range (the plan stays an index range scan even before the new rows are analysed).
 */
export async function listUploadRowRange(trx: Trx, uploadId: number, from: number, to: number): Promise<{ row_no: number; employee_id: string; inputs: string }[]> {
  const { rows } = await sql<{ row_no: number; employee_id: string; inputs: string }>`
    select row_no, employee_id, inputs::text as inputs from runs.upload_rows
    where upload_id = ${uploadId} and row_no > ${from} and row_no <= ${to} order by row_no`.execute(trx);
  return rows;
}

/**
 * The same range of an upload's rows as COPY text (repo's copyOut), for a compute worker to split:
 * per line row_no, employee_id, then each of `inputs` as jsonb text (`inputs->'name'`, `\N` when
 * the row has no such input). Numbers are inlined (COPY takes no parameters); names are literals.
 */
export function copyUploadRowRange(trx: Trx, uploadId: number, from: number, to: number, inputs: readonly string[]): Promise<Buffer> {
  if (![uploadId, from, to].every(Number.isSafeInteger)) throw new Error('copyUploadRowRange: ids and row numbers are integers');
  const cells = inputs.map((name) => `, inputs->'${name.replace(/'/g, "''")}'`).join('');
  return copyOut(trx, `select row_no, employee_id${cells} from runs.upload_rows where upload_id = ${uploadId} and row_no > ${from} and row_no <= ${to} order by row_no`);
}

/** The highest row number of an upload (0 when it has none). */
export async function lastUploadRowNo(trx: Trx, uploadId: number): Promise<number> {
  const { rows } = await sql<{ last: number | null }>`select max(row_no) as last from runs.upload_rows where upload_id = ${uploadId}`.execute(trx);
  return rows[0]?.last ?? 0;
}

export function findUpload(trx: Trx, id: number): Promise<UploadRecord | undefined> {
  return trx.selectFrom('runs.uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listUploads(trx: Trx, limit: number, offset: number): Promise<{ rows: UploadRecord[]; total: number }> {
  const [rows, total] = await Promise.all([
    trx.selectFrom('runs.uploads').selectAll().orderBy('id').limit(limit).offset(offset).execute(),
    trx.selectFrom('runs.uploads').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst(),
  ]);
  return { rows, total: count(total?.n) };
}

/** An upload's rows in file order; all of them unless a page is given. */
export function listUploadRows(trx: Trx, uploadId: number, page?: { limit: number; offset: number }): Promise<UploadRowRecord[]> {
  let q = trx.selectFrom('runs.upload_rows').selectAll().where('upload_id', '=', uploadId).orderBy('row_no');
  if (page) q = q.limit(page.limit).offset(page.offset);
  return q.execute();
}

// ---- runs -------------------------------------------------------------------------------------

export function insertRun(trx: Trx, row: NewRun): Promise<RunRecord> {
  return trx.insertInto('runs.runs').values(row).returningAll().executeTakeFirstOrThrow();
}

export function insertRunResults(trx: Trx, rows: readonly NewRunResult[]): Promise<void> {
  return insertChunked(rows, (chunk) => trx.insertInto('runs.run_results').values(chunk).execute());
}

/** Run results already rendered as COPY text lines (compute-chunk.ts), in any row order. */
export function copyRunResults(trx: Trx, text: string | Uint8Array): Promise<void> {
  return copyInto(trx, 'runs.run_results', ['run_id', 'tenant_id', 'row_no', 'employee_id', 'ok', 'outputs', 'error'], text);
}

/** Set what a run's computation found (status, counts, totals). */
export function finishRun(trx: Trx, id: number, values: Pick<NewRun, 'status' | 'employee_count' | 'failed_count' | 'total_bonus' | 'total_pool_bonus' | 'pool_applied' | 'completed_at'>): Promise<RunRecord> {
  return trx.updateTable('runs.runs').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export function findRun(trx: Trx, id: number): Promise<RunRecord | undefined> {
  return trx.selectFrom('runs.runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listRuns(trx: Trx, limit: number, offset: number): Promise<{ rows: RunRecord[]; total: number }> {
  const [rows, total] = await Promise.all([
    trx.selectFrom('runs.runs').selectAll().orderBy('id').limit(limit).offset(offset).execute(),
    trx.selectFrom('runs.runs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst(),
  ]);
  return { rows, total: count(total?.n) };
}

/** A run's result joined with the upload row it was computed from. */
export interface RunResultWithInputs {
  row_no: number;
  employee_id: string;
  name: string;
  department: string;
  inputs: Record<string, string>;
  ok: boolean;
  outputs: Record<string, string>;
}

/**
 * A run's results with their input rows, in file order; all of them unless a page is given. Rows of
 * a stored upload keep only their cells (ADR 0029): they are mapped here by the upload's mapping.
 */
export async function listRunResults(trx: Trx, run: Pick<RunRecord, 'id' | 'upload_id'>, page?: { limit: number; offset: number }): Promise<RunResultWithInputs[]> {
  let q = trx
    .selectFrom('runs.run_results as r')
    .innerJoin('runs.upload_rows as u', (j) => j.on('u.upload_id', '=', run.upload_id).onRef('u.row_no', '=', 'r.row_no'))
    .select(['r.row_no', 'r.employee_id', 'u.name', 'u.department', 'u.inputs', 'u.fields', 'r.ok', 'r.outputs'])
    .where('r.run_id', '=', run.id)
    .orderBy('r.row_no');
  if (page) q = q.limit(page.limit).offset(page.offset);
  const [rows, upload] = await Promise.all([
    q.execute(),
    trx.selectFrom('runs.uploads').select('mapping').where('id', '=', run.upload_id).executeTakeFirst(),
  ]);
  const mapping = upload?.mapping?.columns ? rowMappingOf(upload.mapping.columns) : null;
  return rows.map(({ fields, ...r }) => {
    if (mapping === null || fields === null) return r;
    const m = mapFields(fields, mapping);
    return { ...r, name: m.name, department: m.department, inputs: m.inputs };
  });
}

/** Per employee of a run: the payout (pool share when the run had a pool, else the bonus). */
export async function runPayouts(trx: Trx, runId: number): Promise<{ employee_id: string; payout: string }[]> {
  const { rows } = await sql<{ employee_id: string; payout: string }>`
    select employee_id, coalesce(outputs->>'pool_bonus', outputs->>'bonus') as payout
    from runs.run_results where run_id = ${runId} and ok`.execute(trx);
  return rows;
}

// ---- scenarios --------------------------------------------------------------------------------

export function insertScenario(trx: Trx, row: NewScenario): Promise<ScenarioRecord> {
  return trx.insertInto('runs.scenarios').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findScenario(trx: Trx, id: number): Promise<ScenarioRecord | undefined> {
  return trx.selectFrom('runs.scenarios').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listScenarios(trx: Trx, limit: number, offset: number): Promise<{ rows: ScenarioRecord[]; total: number }> {
  const [rows, total] = await Promise.all([
    trx.selectFrom('runs.scenarios').selectAll().orderBy('id').limit(limit).offset(offset).execute(),
    trx.selectFrom('runs.scenarios').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst(),
  ]);
  return { rows, total: count(total?.n) };
}
