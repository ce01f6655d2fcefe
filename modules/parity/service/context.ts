import { Decimal } from '../../core/decimal';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../core/config';
import type { Db } from '../../core/db';
import type { ParityRunner } from '../outcome';
import type { MismatchSummaryRow } from '../repo';
import type { Mismatch, ParityReport } from '../schema';
import type { ParityReportRow } from '../tables';

/** What the use cases need: clients, config and the comparing machinery. */
export interface ParityDeps {
  db: Db;
  config: Config;
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>;
  runner: ParityRunner;
}

/** The legacy engine's outputs in plan order, then the pool result: reports list outputs in this order. */
const OUTPUT_ORDER: string[] = ['perf_multiplier', 'fund_factor', 'band_multiplier', 'target', 'raw', 'capped', 'bonus', 'pool_bonus'];

/** jsonb keeps keys in its own order; show outputs in plan order. */
function inOutputOrder<T>(byOutput: Record<string, T>): Record<string, T> {
  const rank = (k: string) => (OUTPUT_ORDER.includes(k) ? OUTPUT_ORDER.indexOf(k) : OUTPUT_ORDER.length);
  return Object.fromEntries(
    Object.entries(byOutput).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)),
  );
}

/** Wire shape of a stored report. */
export function toReport(row: ParityReportRow): ParityReport {
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    planRef: row.plan_ref,
    status: row.status,
    error: row.error,
    employees: row.employees,
    matched: row.matched,
    mismatched: row.mismatched,
    withinTolerance: row.within_tolerance,
    matchRate:
      row.status === 'done' && row.employees > 0
        ? new Decimal(row.matched).div(row.employees).toFixed(6)
        : null,
    maxAbsDiff: new Decimal(row.max_abs_diff).toFixed(),
    byOutput: inOutputOrder((row.by_output ?? {}) as ParityReport['byOutput']),
    batches: (row.batches ?? []) as unknown[],
    gateA: (row.gate_a ?? null) as ParityReport['gateA'],
    durationMs: row.duration_ms,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    signedOffBy: row.signed_off_by,
    signedOffAt: row.signed_off_at?.toISOString() ?? null,
    signOffNote: row.sign_off_note,
  };
}

/** Wire shape of a stored mismatch. */
export const toMismatch = (m: MismatchSummaryRow): Mismatch => ({
  id: String(m.id),
  employeeId: m.employee_id,
  batchId: m.batch_id,
  output: m.output,
  legacyValue: m.legacy_value,
  newValue: m.new_value,
  absDiff: m.abs_diff === null ? null : trimZeros(m.abs_diff),
  withinTolerance: m.within_tolerance,
  firstDiffStep: m.first_diff_step,
});

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
