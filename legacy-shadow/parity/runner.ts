import { Decimal } from '../../modules/core/decimal';
import type { PlanDefinitionInput } from '../../modules/engine/index';
import type { BatchSummary, GateCheck, GateResult, ParityOutcome } from '../../modules/parity/index';
import {
  compareSegment,
  type MismatchRecord,
  type OutputStats,
  type Segment,
  type SegmentResult,
} from './compare';
import { generateRows, LegacyClient, type Band, type EmployeeRow, type LegacyResult } from './legacy-client';
import { CANONICAL_CASES, DEFAULT_BANDS, legacyEquivalentPlan, planForBands, planHash } from './plan';

/** Where the employees of a parity run come from. */
export type ParitySource =
  | { kind: 'historical'; batchIds: number[] | 'all' }
  | { kind: 'generated'; employees: number; seed: number; poolAmount?: string | null }
  | { kind: 'rows'; rows: EmployeeRow[]; bands?: Band[] | null; poolAmount?: string | null };

export interface RunOptions {
  legacyUrl: string;
  /** Python that runs the legacy generator for a generated source (config LEGACY_PYTHON). */
  legacyPython: string;
  /** The plan the new engine runs (default: the legacy-equivalent seed). Tests inject perturbed copies. */
  plan?: PlanDefinitionInput;
  planName?: string;
  /** Money tolerance of the gate (default "0.01"). */
  tolerance?: string;
  /** Rows per POST /api/v1/calculate (default 2000; a pooled batch always goes in one request). */
  chunkSize?: number;
  signal?: AbortSignal;
}

export type { BatchSummary, GateCheck, GateResult, ParityOutcome } from '../../modules/parity/index';

export const GATE_A = { minEmployees: 1000, minBatches: 3 } as const;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function legacyCalculate(
  client: LegacyClient,
  rows: EmployeeRow[],
  bands: Band[],
  pool: string | null,
  size: number,
): Promise<LegacyResult[]> {
  if (pool != null) return (await client.calculate(rows, bands, pool)).results;
  const out: LegacyResult[] = [];
  for (const part of chunks(rows, size)) out.push(...(await client.calculate(part, bands, null)).results);
  return out;
}

/**
 * Replay employees through the legacy engine (its API) and the new engine (the legacy-equivalent
 * plan with the same band table and pool), diff every employee and output to the cent, and
 * evaluate Gate A. The 10 canonical half-even cases are always included.
 */
export async function runParity(source: ParitySource, opts: RunOptions): Promise<ParityOutcome> {
  const started = performance.now();
  const client = new LegacyClient(opts.legacyUrl, opts.signal);
  const plan = opts.plan ?? legacyEquivalentPlan();
  const tolerance = new Decimal(opts.tolerance ?? '0.01');
  const size = opts.chunkSize ?? 2000;
  const segments: (Segment & { kind: BatchSummary['kind']; bandVersion: number | null })[] = [];

  if (source.kind === 'historical') {
    const ids = source.batchIds === 'all' ? (await client.listBatches()).map((b) => b.id) : source.batchIds;
    for (const id of ids) {
      const batch = await client.getBatch(id);
      const [rows, legacy] = await Promise.all([client.uploadRows(batch.upload_id), client.batchResults(id)]);
      segments.push({
        kind: 'historical',
        batchId: String(id),
        rows,
        legacy,
        plan: planForBands(plan, batch.bands),
        poolAmount: batch.pool_amount,
        bandVersion: batch.band_version,
      });
    }
  } else {
    const rows =
      source.kind === 'generated'
        ? await generateRows(opts.legacyPython, source.employees, source.seed, opts.signal)
        : source.rows;
    const table =
      source.kind === 'rows' && source.bands
        ? { version: null, bands: source.bands }
        : await client.currentBands();
    const pool = source.poolAmount ?? null;
    const legacy = await legacyCalculate(client, rows, table.bands, pool, size);
    segments.push({
      kind: source.kind,
      batchId: source.kind,
      rows,
      legacy,
      plan: planForBands(plan, table.bands),
      poolAmount: pool,
      bandVersion: table.version,
    });
  }
  const canonicalRows = CANONICAL_CASES.map((c) => c.row);
  segments.push({
    kind: 'canonical',
    batchId: 'canonical',
    rows: canonicalRows,
    legacy: await legacyCalculate(client, canonicalRows, DEFAULT_BANDS, null, size),
    plan: planForBands(plan, DEFAULT_BANDS),
    poolAmount: null,
    bandVersion: null,
  });

  const results: SegmentResult[] = segments.map((s) => compareSegment(s, tolerance));
  const byOutput: Record<string, OutputStats> = {};
  let maxAbs = new Decimal(0);
  for (const r of results) {
    if (r.maxAbsDiff.gt(maxAbs)) maxAbs = r.maxAbsDiff;
    for (const [o, s] of Object.entries(r.byOutput)) {
      const acc = (byOutput[o] ??= { compared: 0, mismatched: 0, overTolerance: 0, maxAbsDiff: '0' });
      acc.compared += s.compared;
      acc.mismatched += s.mismatched;
      acc.overTolerance += s.overTolerance;
      if (new Decimal(s.maxAbsDiff).gt(acc.maxAbsDiff)) acc.maxAbsDiff = s.maxAbsDiff;
    }
  }
  const sum = (f: (r: SegmentResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const mismatches = results.flatMap((r) => r.mismatches);
  const batches: BatchSummary[] = segments.map((s, i) => ({
    batchId: s.batchId,
    kind: s.kind,
    employees: s.rows.length,
    mismatched: (results[i] as SegmentResult).mismatched,
    bandVersion: s.bandVersion,
    poolAmount: s.poolAmount,
  }));
  const canonicalResult = results[results.length - 1] as SegmentResult;
  const canonicalLegacy = new Map(
    (segments[segments.length - 1] as Segment).legacy.map((r) => [r.employee_id, r.bonus]),
  );
  const gateA = evaluateGateA({
    batches,
    mismatches,
    tolerance,
    maxAbsDiff: maxAbs,
    canonical: CANONICAL_CASES.map((c) => ({
      employeeId: c.row.employee_id,
      baseSalary: c.row.base_salary,
      targetPct: c.row.target_pct,
      expected: c.expectedBonus,
      legacy: canonicalLegacy.get(c.row.employee_id) ?? null,
      new: canonicalResult.newBonus.get(c.row.employee_id) ?? null,
    })),
  });
  return {
    planRef: { name: opts.planName ?? 'legacy-equivalent', hash: planHash(plan), catalogVersion: 1 },
    employees: sum((r) => r.employees),
    matched: sum((r) => r.matched),
    mismatched: sum((r) => r.mismatched),
    withinTolerance: sum((r) => r.withinTolerance),
    maxAbsDiff: maxAbs.toFixed(),
    byOutput,
    batches,
    gateA,
    mismatches,
    durationMs: Math.round(performance.now() - started),
  };
}

export interface CanonicalOutcome {
  employeeId: string;
  baseSalary: string;
  targetPct: string;
  expected: string;
  legacy: string | null;
  new: string | null;
}

/**
 * Gate A (PRD): at least 1,000 employees from at least 3 historical batches, every difference
 * within the tolerance (0.01), and exact half-even rounding on the 10 canonical cases on both sides.
 */
export function evaluateGateA(input: {
  batches: BatchSummary[];
  mismatches: MismatchRecord[];
  tolerance: Decimal;
  maxAbsDiff: Decimal;
  canonical: CanonicalOutcome[];
}): GateResult {
  const historical = input.batches.filter((b) => b.kind === 'historical');
  const employees = historical.reduce((a, b) => a + b.employees, 0);
  const over = input.mismatches.filter((m) => !m.withinTolerance);
  const badCases = input.canonical.filter((c) => c.legacy !== c.expected || c.new !== c.expected);
  const checks: GateCheck[] = [
    {
      name: 'historical_sample',
      passed: employees >= GATE_A.minEmployees && historical.length >= GATE_A.minBatches,
      detail: `${employees} employees from ${historical.length} historical batches (needs ≥ ${GATE_A.minEmployees} from ≥ ${GATE_A.minBatches})`,
      evidence: {
        employees,
        batches: historical.map((b) => ({ batchId: b.batchId, employees: b.employees })),
      },
    },
    {
      name: 'within_tolerance',
      passed: over.length === 0,
      detail:
        over.length === 0
          ? `every difference ≤ ${input.tolerance.toFixed()} (largest ${input.maxAbsDiff.toFixed()})`
          : `${over.length} differences above ${input.tolerance.toFixed()} (largest ${input.maxAbsDiff.toFixed()})`,
      evidence: {
        tolerance: input.tolerance.toFixed(),
        maxAbsDiff: input.maxAbsDiff.toFixed(),
        overTolerance: over.length,
        examples: over
          .slice(0, 5)
          .map((m) => ({
            employeeId: m.employeeId,
            output: m.output,
            legacy: m.legacyValue,
            new: m.newValue,
            absDiff: m.absDiff,
          })),
      },
    },
    {
      name: 'canonical_half_even',
      passed: input.canonical.length === 10 && badCases.length === 0,
      detail:
        badCases.length === 0
          ? '10 of 10 half-cent ties rounded to the even cent by both engines'
          : `${badCases.length} of 10 half-cent ties rounded differently`,
      evidence: { cases: input.canonical },
    },
  ];
  return { passed: checks.every((c) => c.passed), checks };
}
