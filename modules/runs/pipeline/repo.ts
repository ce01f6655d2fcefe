import { sql } from 'kysely';
import type { Trx } from '../../core/db';
import type { RunChunkRecord, RunRecord } from '../tables';
import { rowMappingOf, type RowMapping } from '../../core/cell-number';
import { copyInto } from '../../core/copy';
import { RESULT_COLUMNS, type RawPipelineRow } from './compute-chunk';
import '../tables';

/** Kysely queries of the runs pipeline on the runs schema (runs, run_chunks, run_results, upload rows). */

/** What a run needs to know about an upload, whichever columns storage's migration has added (read through to_jsonb). */
export interface UploadReadiness {
  id: number;
  status: string;
  row_count: number;
  mapping: unknown;
  problem_count: number | null;
}

export async function findUploadReadiness(trx: Trx, uploadId: number): Promise<UploadReadiness | undefined> {
  const { rows } = await sql<UploadReadiness>`
    select u.id, u.status, u.row_count, to_jsonb(u) -> 'mapping' as mapping, (to_jsonb(u) ->> 'problem_count')::int as problem_count
    from runs.uploads u where u.id = ${uploadId}
  `.execute(trx);
  return rows[0];
}

/**
 * The plan inputs an upload feeds: the targets of its saved mapping, or (a legacy upload, no
 * mapping) the inputs of its first row.
 */
export async function fedInputs(trx: Trx, upload: UploadReadiness): Promise<Set<string>> {
  const mapping = upload.mapping as { columns?: Record<string, string | null> } | null;
  if (mapping?.columns)
    return new Set(Object.values(mapping.columns).filter((t): t is string => typeof t === 'string'));
  const first = await trx
    .selectFrom('runs.upload_rows')
    .select('inputs')
    .where('upload_id', '=', upload.id)
    .orderBy('row_no')
    .limit(1)
    .executeTakeFirst();
  return new Set(Object.keys(first?.inputs ?? {}));
}

/**
 * Split a run's upload into chunks of `chunkRows` rows (by position in row order) and record
 * them; idempotent (a second call adds nothing). Returns the number of chunks and rows.
 */
export async function planChunks(
  trx: Trx,
  run: Pick<RunRecord, 'id' | 'tenant_id' | 'upload_id'>,
  chunkRows: number,
): Promise<{ chunks: number; rows: number }> {
  await sql`
    insert into runs.run_chunks (run_id, tenant_id, chunk_no, row_from, row_to, row_count)
    select ${run.id}, ${run.tenant_id}, chunk_no, min(row_no), max(row_no), count(*)
    from (
      select row_no, (row_number() over (order by row_no) - 1) / ${chunkRows}::int as chunk_no
      from runs.upload_rows where upload_id = ${run.upload_id}
    ) t
    group by chunk_no
    on conflict do nothing
  `.execute(trx);
  const r = await trx
    .selectFrom('runs.run_chunks')
    .select((eb) => [eb.fn.countAll<string>().as('chunks'), eb.fn.sum<string>('row_count').as('rows')])
    .where('run_id', '=', run.id)
    .executeTakeFirstOrThrow();
  return { chunks: Number(r.chunks), rows: Number(r.rows ?? 0) };
}

export function listChunks(trx: Trx, runId: number): Promise<RunChunkRecord[]> {
  return trx
    .selectFrom('runs.run_chunks')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('chunk_no')
    .execute();
}

/** The saved mapping of a run's upload as the threads apply it (null: a legacy upload, stored mapped). */
export async function uploadRowMapping(trx: Trx, uploadId: number): Promise<RowMapping | null> {
  const u = await trx.selectFrom('runs.uploads').select('mapping').where('id', '=', uploadId).executeTakeFirst();
  return u?.mapping?.columns ? rowMappingOf(u.mapping.columns) : null;
}

/**
 * The employee's name and department of an upload row `u` as SQL: from its cells by the saved
 * mapping (trimmed, '' when unmapped: what the threads read, ADR 0029), or as stored (a legacy upload).
 */
export function identitySql(mapping: RowMapping | null) {
  if (mapping === null) return { name: sql<string>`u.name`, department: sql<string>`u.department` };
  const cell = (col: string | null, stored: 'name' | 'department') =>
    sql<string>`case when u.fields is null then ${sql.ref(`u.${stored}`)} else coalesce(btrim(u.fields ->> ${col}::text), '') end`;
  return { name: cell(mapping.name, 'name'), department: cell(mapping.department, 'department') };
}

/**
 * An upload's rows between two row numbers (inclusive), in row order, as JSON text the threads
 * decode (compute-chunk.ts decodeRows): the cells as parsed when the upload is mapped (rows of a
 * stored upload), and the stored inputs (legacy rows). Nothing is parsed on the job's event loop.
 */
export async function readRows(
  trx: Trx,
  uploadId: number,
  from: number,
  to: number,
  mapped: boolean,
): Promise<RawPipelineRow[]> {
  const fields = mapped ? sql`fields::text` : sql`null::text`;
  const { rows } = await sql<RawPipelineRow>`
    select row_no, employee_id, ${fields} as fields, inputs::text as inputs from runs.upload_rows
    where upload_id = ${uploadId} and row_no between ${from} and ${to} order by row_no
  `.execute(trx);
  return rows;
}

/** The upload rows of a run's failed results between two row numbers (as readRows reads them). */
export async function readFailedRows(
  trx: Trx,
  run: Pick<RunRecord, 'id' | 'upload_id'>,
  from: number,
  to: number,
  mapped: boolean,
): Promise<RawPipelineRow[]> {
  const fields = mapped ? sql`u.fields::text` : sql`null::text`;
  const { rows } = await sql<RawPipelineRow>`
    select u.row_no, u.employee_id, ${fields} as fields, u.inputs::text as inputs
    from runs.upload_rows u join runs.run_results r on r.row_no = u.row_no and r.run_id = ${run.id}
    where u.upload_id = ${run.upload_id} and not r.ok and u.row_no between ${from} and ${to}
    order by u.row_no
  `.execute(trx);
  return rows;
}

/**
 * Store a chunk's results and mark it done, in the caller's transaction: results already there
 * for its rows (a try that died after writing but before committing cannot exist; one that
 * committed is skipped before this) are replaced, so a result is stored exactly once per row.
 */
export async function writeChunk(
  trx: Trx,
  run: Pick<RunRecord, 'id' | 'tenant_id'>,
  chunk: Pick<RunChunkRecord, 'chunk_no' | 'row_from' | 'row_to'>,
  out: { lines: string; okCount: number; failedCount: number; totalPayout: string; inputHashes: string },
): Promise<void> {
  await sql`delete from runs.run_results where run_id = ${run.id} and row_no between ${chunk.row_from} and ${chunk.row_to}`.execute(
    trx,
  );
  await copyInto(trx, 'runs.run_results', RESULT_COLUMNS, out.lines);
  await trx
    .updateTable('runs.run_chunks')
    .set((eb) => ({
      done: true,
      ok_count: out.okCount,
      failed_count: out.failedCount,
      total_payout: out.totalPayout,
      input_hashes: out.inputHashes,
      attempts: eb('attempts', '+', 1),
      done_at: new Date(),
    }))
    .where('run_id', '=', run.id)
    .where('chunk_no', '=', chunk.chunk_no)
    .execute();
}

/** Replace some results of a run (a retry of failed rows, as COPY lines), keyed by row. */
export async function replaceResults(
  trx: Trx,
  runId: number,
  rowNos: readonly number[],
  lines: string,
): Promise<void> {
  await sql`delete from runs.run_results where run_id = ${runId} and row_no = any(${[...rowNos]}::int[])`.execute(
    trx,
  );
  await copyInto(trx, 'runs.run_results', RESULT_COLUMNS, lines);
}

export async function updateChunkAfterRetry(
  trx: Trx,
  runId: number,
  chunkNo: number,
  set: { okCount: number; failedCount: number; totalPayout: string; inputHashes: string },
): Promise<void> {
  await trx
    .updateTable('runs.run_chunks')
    .set((eb) => ({
      ok_count: set.okCount,
      failed_count: set.failedCount,
      total_payout: set.totalPayout,
      input_hashes: set.inputHashes,
      attempts: eb('attempts', '+', 1),
      done_at: new Date(),
    }))
    .where('run_id', '=', runId)
    .where('chunk_no', '=', chunkNo)
    .execute();
}

/** The payout of every row that succeeded, in row order (the pool's input). */
export async function readPayouts(
  trx: Trx,
  runId: number,
  output: string,
): Promise<{ row_no: number; employee_id: string; amount: string }[]> {
  const { rows } = await sql<{ row_no: number; employee_id: string; amount: string }>`
    select row_no, employee_id, coalesce(outputs ->> ${output}, '0') as amount
    from runs.run_results where run_id = ${runId} and ok order by row_no
  `.execute(trx);
  return rows;
}

/** Write pool shares (a JSON array of {row_no, share}); clearing them first keeps a recomputation exact. */
export async function writePoolShares(trx: Trx, runId: number, json: string | null): Promise<void> {
  await sql`update runs.run_results set pool_share = null where run_id = ${runId} and pool_share is not null`.execute(
    trx,
  );
  if (json === null) return;
  await sql`
    update runs.run_results r set pool_share = x.share
    from jsonb_to_recordset(${json}::jsonb) as x(row_no integer, share text)
    where r.run_id = ${runId} and r.row_no = x.row_no
  `.execute(trx);
}
