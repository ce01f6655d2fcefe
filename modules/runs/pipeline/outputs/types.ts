import type { TapeLayout } from '../../tables';

/** One employee's frozen result, as the statement and the exports read it (money as strings). */
export interface OutputRow {
  rowNo: number;
  employeeId: string;
  name: string;
  department: string;
  ok: boolean;
  outputs: Record<string, string>;
  error: { step?: string | null; message: string } | null;
  tape: [string[], string] | null;
  payout: string | null;
  poolShare: string | null;
}

/** The run an output belongs to. */
export interface OutputRun {
  id: number;
  name: string | null;
  status: string;
  planId: string | null;
  planVersion: number | null;
  payoutOutput: string;
  pool: string | null;
  snapshotHash: string | null;
  layout: TapeLayout | null;
}

/** A statement built in the outputs worker pool (exports stream from a cursor instead, files.ts). */
export type OutputTask = { kind: 'statement'; run: OutputRun; row: OutputRow };

/** A built file: bytes (a Uint8Array once it crossed the worker boundary). */
export type OutputFile = Uint8Array;
