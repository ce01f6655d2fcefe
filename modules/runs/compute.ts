import { allocatePool, compilePlan, evaluateBatch, PlanDefinition, type CompiledPlan, type PlanDefinitionInput } from '../engine/index';
import { compareDecimals, sumDecimals } from '../core/decimal';
import type { BandRow } from './tables';

/**
 * The pure part of a run: the plan (with the run's band table in its band constants) over the
 * upload's rows, then the pool. No I/O: it runs in a compute worker (compute-pool.ts) for large
 * inputs and inline for small ones.
 */

/** The outputs a legacy batch stores per employee, in legacy's order; `pool_bonus` follows. */
export const LEGACY_OUTPUTS = ['perf_multiplier', 'fund_factor', 'band_multiplier', 'target', 'raw', 'capped', 'bonus'] as const;
export const PAYOUT_OUTPUT = 'bonus';
export const POOL_OUTPUT = 'pool_bonus';

const BAND_CONST = /^band_\d+_(min|multiplier)$/;

/**
 * The plan for a given band table: the plan's `band_*` constants replaced by the table's, and the
 * band step rewritten for the table's size (kept verbatim when the size matches the plan's, so the
 * plan's own expression is what runs for a table of the same size). Bands are sorted ascending.
 */
export function planForBands(plan: PlanDefinitionInput, bands: readonly BandRow[]): PlanDefinition {
  const base = PlanDefinition.parse(plan);
  const sorted = [...bands].sort((a, b) => compareDecimals(a.min_revenue, b.min_revenue));
  if (sorted.length === 0) throw new Error('band table is empty');
  const planBands = base.constants.filter((c) => /^band_\d+_multiplier$/.test(c.name)).length;
  const constants = [
    ...base.constants.filter((c) => !BAND_CONST.test(c.name)),
    ...sorted.flatMap((b, i) => [
      ...(i === 0 ? [] : [{ name: `band_${i + 1}_min`, value: b.min_revenue }]),
      { name: `band_${i + 1}_multiplier`, value: b.multiplier },
    ]),
  ];
  let expr = 'band_1_multiplier';
  for (let i = 2; i <= sorted.length; i++) expr = `if(revenue >= band_${i}_min) then band_${i}_multiplier else ${expr}`;
  const steps = base.steps.map((s) => (s.output === 'band_multiplier' && planBands !== sorted.length ? { ...s, expr } : s));
  return { ...base, constants, steps };
}

/** What a compute task needs: plain data, cloned into a worker thread. */
export interface ComputeTask {
  plan: PlanDefinitionInput;
  bands: BandRow[];
  /** Input rows: employee_id plus the plan's inputs as decimal strings. */
  rows: Record<string, string>[];
  /** Pool over the payouts (legacy: bonus); null for none. */
  poolAmount: string | null;
}

export interface ComputedRow {
  ok: boolean;
  outputs: Record<string, string>;
  error?: { message: string; step?: string };
}

export interface ComputeOutcome {
  rows: ComputedRow[];
  totalBonus: string;
  totalPoolBonus: string | null;
  poolApplied: boolean;
  failed: number;
}

// A worker (or the gateway, inline) evaluates the same plan and band table again and again: the
// compiled plan is kept for the next task with the same definition.
let cached: { key: string; plan: CompiledPlan } | undefined;
/** The compiled plan of a definition with a band table (the last one kept). */
export function compiledFor(plan: PlanDefinitionInput, bands: readonly BandRow[]): CompiledPlan {
  const key = JSON.stringify([plan, bands]);
  if (cached?.key !== key) cached = { key, plan: compilePlan(planForBands(plan, bands)) };
  return cached.plan;
}

/** Evaluate every row, then allocate the pool over the rows that succeeded (legacy's rule). */
export function computeRun(task: ComputeTask): ComputeOutcome {
  const compiled = compiledFor(task.plan, task.bands);
  const results = evaluateBatch(compiled, task.rows, { tape: false });
  const rows: ComputedRow[] = results.map((r) =>
    r.ok ? { ok: true, outputs: r.outputs } : { ok: false, outputs: {}, error: { message: String((r as { error: unknown }).error) } },
  );
  const okRows = rows.flatMap((r, i) => (r.ok ? [{ r, id: task.rows[i]?.employee_id ?? String(i) }] : []));
  const totalBonus = sumDecimals(okRows.map(({ r }) => r.outputs[PAYOUT_OUTPUT] ?? '0'));
  let totalPoolBonus: string | null = null;
  if (task.poolAmount !== null) {
    const shares = allocatePool(
      okRows.map(({ r, id }) => ({ id, amount: r.outputs[PAYOUT_OUTPUT] ?? '0' })),
      task.poolAmount,
    );
    okRows.forEach(({ r }, i) => (r.outputs[POOL_OUTPUT] = shares[i]?.amount ?? '0'));
    totalPoolBonus = sumDecimals(shares.map((s) => s.amount));
  }
  return {
    rows,
    totalBonus,
    totalPoolBonus,
    poolApplied: task.poolAmount !== null && compareDecimals(totalBonus, task.poolAmount) > 0,
    failed: rows.length - okRows.length,
  };
}
