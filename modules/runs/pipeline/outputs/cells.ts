import type { OutputRow } from './types';

/**
 * A cell that a spreadsheet will not run as a formula: text starting with = + - @ tab or CR gets a
 * leading single quote (OWASP "CSV injection"). Applied to every exported cell, numbers included.
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The header of an export for the run's output columns (already formula-safe). */
export function tableHeader(outputs: readonly string[]): string[] {
  return [
    'row_no',
    'employee_id',
    'name',
    'department',
    'ok',
    'payout',
    'pool_share',
    ...outputs.map((o) => `output.${o}`),
    'error_step',
    'error',
  ].map(safeCell);
}

/** One result as an export row (already formula-safe). */
export function tableRow(outputs: readonly string[], r: OutputRow): string[] {
  return [
    String(r.rowNo),
    r.employeeId,
    r.name,
    r.department,
    r.ok ? 'true' : 'false',
    r.payout ?? '',
    r.poolShare ?? '',
    ...outputs.map((o) => r.outputs[o] ?? ''),
    r.error?.step ?? '',
    r.error?.message ?? '',
  ].map(safeCell);
}

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** RFC 4180 CSV lines (CRLF line ends) of export rows. */
export const csvLines = (lines: readonly string[][]) =>
  lines.map((line) => line.map(quote).join(',')).join('\r\n') + '\r\n';
