import { evaluateBatch, type InputRow, type PlanDefinitionInput } from '../engine/index';
import { copyUnescape, copyValue } from '../core/copy';
import { sumDecimals } from '../core/decimal';
import { compiledFor, PAYOUT_OUTPUT, POOL_OUTPUT } from './compute';
import type { BandRow } from './tables';

/**
 * The pure part of a stored run, one chunk of upload rows at a time (ADR 0022): evaluate the
 * rows and render their `runs.run_results` lines in COPY text format, so the caller streams
 * them to Postgres without building result objects or JSON itself. Runs in a compute worker
 * (compute-pool.ts) or inline for small runs.
 */

/** One chunk of a run: plain data, cloned into a worker thread. */
export interface ChunkTask {
  kind: 'chunk';
  plan: PlanDefinitionInput;
  bands: BandRow[];
  runId: number;
  tenantId: string;
  /**
   * The rows as COPY text (repo.copyUploadRowRange): per line row_no, employee_id, then each of
   * `inputNames` as jsonb text. One buffer instead of a row object per employee: the gateway's
   * event loop neither builds nor clones rows, and nothing parses a whole inputs map (ADR 0030).
   */
  rows: Uint8Array;
  /** The plan's inputs, in the order of the rows' cells. */
  inputNames: string[];
  /**
   * A pool follows (it needs every row's payout): ok rows come back as `heads` (their line up to
   * the pool share, see poolTail) with their payouts, instead of finished `text`.
   */
  pooled: boolean;
}

export interface ChunkOutcome {
  /** Rows in the chunk. */
  count: number;
  /** Finished COPY lines (every row when not pooled; only the failed rows when pooled). */
  text: string;
  /** Pooled: per ok row, its line up to the pool share, in row order. */
  heads: string[];
  /** Pooled: per ok row, employee id and payout (the pool's input), in row order. */
  payouts: { id: string; amount: string }[];
  /** Exact sum of the ok rows' payouts. */
  totalBonus: string;
  failed: number;
}

/** The end of a pooled ok row's line: its pool share, then the empty error column. */
export const poolTail = (share: string): string => `"${POOL_OUTPUT}":"${copyValue(share)}"}\t\\N\n`;

/** Evaluate one chunk and render its result lines (legacy's rule: a failed row has no payout). */
export function computeChunk(task: ChunkTask): ChunkOutcome {
  const plan = compiledFor(task.plan, task.bands); // a worker evaluates one run's chunks in turn: compiled once
  const { rowNos, idCells, employeeIds, rows } = splitRows(task.rows, task.inputNames);
  const results = evaluateBatch(plan, rows as InputRow[], { tape: false }); // cells hold what JSON.parse gave (readCell rejects non-strings)
  const prefix = `${task.runId}\t${task.tenantId}\t`;
  let text = '';
  const heads: string[] = [];
  const payouts: { id: string; amount: string }[] = [];
  let failed = 0;
  results.forEach((r, i) => {
    const start = `${prefix}${rowNos[i]}\t${idCells[i]}\t`; // the id cell as COPY printed it is valid COPY input
    if (!r.ok) {
      failed++;
      const error = { message: r.error.message, ...(r.error.step === null ? {} : { step: r.error.step }) };
      text += `${start}f\t{}\t${copyValue(JSON.stringify(error))}\n`;
      return;
    }
    const json = JSON.stringify(r.outputs);
    payouts.push({ id: employeeIds[i] as string, amount: r.outputs[PAYOUT_OUTPUT] ?? '0' });
    if (task.pooled) heads.push(`${start}t\t${copyValue(json.slice(0, -1))}${json === '{}' ? '' : ','}`);
    else text += `${start}t\t${copyValue(json)}\t\\N\n`;
  });
  return { count: rowNos.length, text, heads, payouts: task.pooled ? payouts : [], totalBonus: sumDecimals(payouts.map((p) => p.amount)), failed };
}

const decoder = new TextDecoder();

/** One input cell (jsonb text, COPY-escaped) back to what JSON.parse of the row's inputs map held there. */
function inputCell(cell: string): unknown {
  if (cell === '\\N') return undefined;
  // A plain JSON string (no escapes): its text. Anything else (escapes, numbers, objects) as JSON says.
  if (cell.charCodeAt(0) === 34 && !cell.includes('\\')) return cell.slice(1, -1);
  return JSON.parse(copyUnescape(cell) as string);
}

/**
 * The rows of a chunk from COPY text: row numbers, the employee id cells as printed (still
 * COPY-escaped, for the result lines), the ids themselves, and per row an object of the plan's
 * inputs plus employee_id (what `{...inputs, employee_id}` held for the plan's inputs).
 */
export function splitRows(buf: Uint8Array, names: readonly string[]): { rowNos: string[]; idCells: string[]; employeeIds: string[]; rows: Record<string, unknown>[] } {
  const text = decoder.decode(buf);
  const rowNos: string[] = [];
  const idCells: string[] = [];
  const employeeIds: string[] = [];
  const rows: Record<string, unknown>[] = [];
  const asMap = names.includes('__proto__');
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    const cells = text.slice(at, end).split('\t');
    at = end + 1;
    if (cells.length !== names.length + 2) throw new Error(`upload row has ${cells.length} cells, expected ${names.length + 2}`);
    const id = copyUnescape(cells[1] as string) as string;
    rowNos.push(cells[0] as string);
    idCells.push(cells[1] as string);
    employeeIds.push(id);
    if (asMap) {
      const row = new Map<string, unknown>();
      names.forEach((n, k) => row.set(n, inputCell(cells[k + 2] as string)));
      row.set('employee_id', id);
      rows.push(row as unknown as Record<string, unknown>);
      continue;
    }
    const row: Record<string, unknown> = {};
    for (let k = 0; k < names.length; k++) {
      const v = inputCell(cells[k + 2] as string);
      if (v !== undefined) row[names[k] as string] = v;
    }
    row.employee_id = id;
    rows.push(row);
  }
  return { rowNos, idCells, employeeIds, rows };
}
