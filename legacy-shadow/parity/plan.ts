import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlanDefinition, type PlanDefinitionInput } from '../../modules/engine/index';
import type { Band, EmployeeRow } from './legacy-client';
import { planForBands as runsPlanForBands } from '../../modules/runs/index';

const here = path.dirname(fileURLToPath(import.meta.url));
const SEED_PATH = path.resolve(here, '../../modules/plans/seeds/legacy-equivalent.json');

/** The legacy formula as a DSL plan (modules/plans/seeds/legacy-equivalent.json), as authored. */
export function legacyEquivalentPlan(): PlanDefinition {
  return PlanDefinition.parse(JSON.parse(readFileSync(SEED_PATH, 'utf8')));
}

/** The outputs the legacy engine returns per employee, in plan order; pool_bonus comes after the plan. */
export const LEGACY_OUTPUTS = [
  'perf_multiplier',
  'fund_factor',
  'band_multiplier',
  'target',
  'raw',
  'capped',
  'bonus',
] as const;
export const POOL_OUTPUT = 'pool_bonus';

/**
 * The plan for a given band table (the plan's `band_*` constants replaced by the table's): the
 * same function fig's runs use for legacy batches, so parity compares what fig actually serves.
 */
export function planForBands(plan: PlanDefinitionInput, bands: readonly Band[]): PlanDefinition {
  return runsPlanForBands(plan, bands);
}

/** Short content hash of a plan, recorded in each report so a reader knows exactly what ran. */
export function planHash(plan: PlanDefinitionInput): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 16);
}

export const DEFAULT_BANDS: Band[] = [
  { min_revenue: '0', multiplier: '0.8' },
  { min_revenue: '1000000', multiplier: '1.0' },
  { min_revenue: '5000000', multiplier: '1.2' },
];

/**
 * The 10 canonical half-even cases of Gate A: with performance 0.6 (×1.0), fund return 0.02
 * (×1.00) and revenue 1,000,000 (band ×1.0 in the default table), capped = base × target_pct lands
 * exactly on a half cent, so bonus shows banker's rounding (to the even cent) — both ways.
 * They run in every report, with the default band table.
 */
export const CANONICAL_CASES: { row: EmployeeRow; expectedBonus: string }[] = (
  [
    ['1000.25', '0.1', '100.02'], // 100.025
    ['1000.35', '0.1', '100.04'], // 100.035
    ['1.25', '0.1', '0.12'], // 0.125
    ['1.35', '0.1', '0.14'], // 0.135
    ['2000.5', '0.15', '300.08'], // 300.075
    ['2000.3', '0.15', '300.04'], // 300.045
    ['50000.5', '0.25', '12500.12'], // 12500.125
    ['50001.5', '0.25', '12500.38'], // 12500.375
    ['80000.1', '0.05', '4000'], // 4000.005
    ['80000.3', '0.05', '4000.02'], // 4000.015
  ] as const
).map(([base, pct, expected], i) => ({
  row: {
    employee_id: `HALF-EVEN-${String(i + 1).padStart(2, '0')}`,
    name: 'Canonical case',
    department: 'Gate A',
    base_salary: base,
    target_pct: pct,
    performance_score: '0.6',
    fund_return: '0.02',
    revenue: '1000000',
  },
  expectedBonus: expected,
}));
