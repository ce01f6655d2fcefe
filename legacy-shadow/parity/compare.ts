import { Decimal } from '../../modules/core/decimal';
import {
  allocatePool,
  compilePlan,
  evaluateBatch,
  type PlanDefinition,
  type Tape,
} from '../../modules/engine/index';
import type { EmployeeRow, LegacyResult } from './legacy-client';
import { LEGACY_OUTPUTS, POOL_OUTPUT } from './plan';
import type { MismatchRecord, OutputStats, ParityTape } from '../../modules/parity/index';

export type { MismatchRecord, OutputStats, ParityTape } from '../../modules/parity/index';

export interface SegmentResult {
  employees: number;
  matched: number;
  mismatched: number;
  /** Mismatching employees whose every difference is within tolerance. */
  withinTolerance: number;
  maxAbsDiff: Decimal;
  byOutput: Record<string, OutputStats>;
  mismatches: MismatchRecord[];
  /** New engine's bonus per employee (the canonical check reads it). */
  newBonus: Map<string, string | null>;
}

export interface Segment {
  batchId: string;
  rows: EmployeeRow[];
  legacy: LegacyResult[];
  plan: PlanDefinition;
  poolAmount: string | null;
}

const INPUTS = ['base_salary', 'target_pct', 'performance_score', 'fund_return', 'revenue'] as const;

function diffOf(a: string | null | undefined, b: string | null | undefined): Decimal | null {
  if (a == null || b == null) return null;
  try {
    return new Decimal(a).minus(new Decimal(b)).abs();
  } catch {
    return null;
  }
}

/** Run the new engine on a segment's rows and diff every employee and output against legacy. */
export function compareSegment(seg: Segment, tolerance: Decimal): SegmentResult {
  const compiled = compilePlan(seg.plan);
  const stepOrder = compiled.steps.map((s) => ({ key: s.key, output: s.output }));
  // Tapes only for rows that end up mismatching (re-evaluated below): the tape triples the engine's cost.
  const results = evaluateBatch(compiled, seg.rows as unknown as Record<string, string>[], { tape: false });
  const pooled = new Map<string, string>();
  if (seg.poolAmount != null) {
    const rows = results.flatMap((r, i) =>
      r.ok ? [{ id: (seg.rows[i] as EmployeeRow).employee_id, amount: r.outputs.bonus ?? '0' }] : [],
    );
    for (const a of allocatePool(rows, seg.poolAmount)) pooled.set(a.id, a.amount);
  }
  const outputs: string[] = [...LEGACY_OUTPUTS, ...(seg.poolAmount != null ? [POOL_OUTPUT] : [])];
  const byOutput: Record<string, OutputStats> = Object.fromEntries(
    outputs.map((o) => [o, { compared: 0, mismatched: 0, overTolerance: 0, maxAbsDiff: '0' }]),
  );
  const legacyById = new Map(seg.legacy.map((r) => [r.employee_id, r]));
  const out: SegmentResult = {
    employees: seg.rows.length,
    matched: 0,
    mismatched: 0,
    withinTolerance: 0,
    maxAbsDiff: new Decimal(0),
    byOutput,
    mismatches: [],
    newBonus: new Map(),
  };

  seg.rows.forEach((row, i) => {
    const res = results[i];
    const legacy = legacyById.get(row.employee_id);
    const newValues: Record<string, string | null> = {};
    if (res?.ok) Object.assign(newValues, res.outputs);
    if (seg.poolAmount != null) newValues[POOL_OUTPUT] = pooled.get(row.employee_id) ?? null;
    out.newBonus.set(row.employee_id, newValues.bonus ?? null);

    const rowDiffs: { output: string; l: string | null; n: string | null; d: Decimal | null }[] = [];
    for (const o of outputs) {
      const l = (legacy as unknown as Record<string, string | null> | undefined)?.[o] ?? null;
      const n = newValues[o] ?? null;
      const d = diffOf(l, n);
      const stats = byOutput[o] as OutputStats;
      stats.compared++;
      if (d !== null && d.isZero()) continue;
      rowDiffs.push({ output: o, l, n, d });
      stats.mismatched++;
      if (d === null || d.gt(tolerance)) stats.overTolerance++;
      if (d !== null && d.gt(stats.maxAbsDiff)) stats.maxAbsDiff = d.toFixed();
      if (d !== null && d.gt(out.maxAbsDiff)) out.maxAbsDiff = d;
    }
    if (rowDiffs.length === 0) {
      out.matched++;
      return;
    }
    out.mismatched++;
    if (rowDiffs.every((x) => x.d !== null && x.d.lte(tolerance))) out.withinTolerance++;

    const differing = new Set(rowDiffs.map((x) => x.output));
    const firstStep =
      stepOrder.find((s) => differing.has(s.output))?.key ??
      (differing.has(POOL_OUTPUT) ? 'pool' : res && !res.ok ? res.error.step : null);
    const inputs = Object.fromEntries(INPUTS.map((k) => [k, row[k]]));
    const legacyTape: ParityTape = {
      inputs,
      steps: stepOrder.map((s) => ({
        ...s,
        value: (legacy as unknown as Record<string, string> | undefined)?.[s.output] ?? null,
      })),
      ...(seg.poolAmount != null ? { pool_bonus: legacy?.pool_bonus ?? null } : {}),
    };
    const taped = res?.ok ? evaluateBatch(compiled, [row as unknown as Record<string, string>])[0] : undefined;
    const tape: Tape | undefined = taped?.ok ? taped.tape : undefined;
    const newTape: ParityTape = {
      inputs: tape?.inputs ?? inputs,
      steps: stepOrder.map((s) => ({ ...s, value: tape?.steps.find((t) => t.key === s.key)?.value ?? null })),
      ...(seg.poolAmount != null ? { pool_bonus: newValues[POOL_OUTPUT] ?? null } : {}),
      ...(res && !res.ok ? { error: res.error } : {}),
    };
    for (const x of rowDiffs) {
      out.mismatches.push({
        employeeId: row.employee_id,
        batchId: seg.batchId,
        output: x.output,
        legacyValue: x.l,
        newValue: x.n,
        absDiff: x.d?.toFixed() ?? null,
        withinTolerance: x.d !== null && x.d.lte(tolerance),
        firstDiffStep: firstStep,
        legacyTape,
        newTape,
      });
    }
  });
  return out;
}
