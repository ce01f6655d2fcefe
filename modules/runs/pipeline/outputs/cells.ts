import type { OutputRow, OutputRun } from './types';

/**
 * A cell that a spreadsheet will not run as a formula: text starting with = + - @ tab or CR gets a
 * leading single quote (OWASP "CSV injection"). Applied to every exported cell, numbers included.
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The output columns of a run: the layout's step outputs in order, else every output seen. */
export function outputColumns(run: OutputRun, rows: OutputRow[]): string[] {
  if (run.layout) return [...new Set(run.layout.steps.map((s) => s.output))];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.outputs)) seen.add(k);
  return [...seen].sort();
}

/** Header and rows of an export (already formula-safe). */
export function table(run: OutputRun, rows: OutputRow[]): { header: string[]; body: string[][] } {
  const outputs = outputColumns(run, rows);
  const header = [
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
  ];
  const body = rows.map((r) =>
    [
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
    ].map(safeCell),
  );
  return { header: header.map(safeCell), body };
}

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** RFC 4180 CSV (CRLF line ends) of a run's results. */
export function toCsv(run: OutputRun, rows: OutputRow[]): string {
  const { header, body } = table(run, rows);
  return [header, ...body].map((line) => line.map(quote).join(',')).join('\r\n') + '\r\n';
}
