import { Decimal } from '../../modules/core/decimal';
import type { PlanDefinitionInput } from '../../modules/engine/index';
import type { BatchSummary, GateCheck, GateResult, ParityChunkSpec, ParityOutcome } from '../../modules/parity/index';
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

/** What the module stores per chunk and hands back to `summarizeChunks` (JSON). */
export interface ChunkSummary {
  batchId: string;
  kind: BatchSummary['kind'];
  employees: number;
  matched: number;
  mismatched: number;
  withinTolerance: number;
  maxAbsDiff: string;
  byOutput: Record<string, OutputStats>;
  bandVersion: number | null;
  poolAmount: string | null;
  /** Differences above the tolerance in this chunk, and the first five (Gate A's evidence). */
  overTolerance: number;
  overExamples: OverExample[];
  /** The canonical chunk only: each half-cent case on both sides. */
  canonical?: CanonicalOutcome[];
}
type OverExample = { employeeId: string; output: string; legacy: string | null; new: string | null; absDiff: string | null };

/**
 * Plan a source into chunks (ADR 0033): one per historical batch, the generated or given rows in
 * slices of `chunkSize` (a pooled source in one: the pool is shared by all its rows), then the 10
 * canonical cases. Everything a chunk needs that could change later (batch ids of "all", the
 * current band table) is resolved here and kept in the spec, so a resumed run computes the same.
 */
export async function planChunks(source: ParitySource, opts: RunOptions): Promise<ParityChunkSpec[]> {
  const client = new LegacyClient(opts.legacyUrl, opts.signal);
  const size = opts.chunkSize ?? 2000;
  const specs: ParityChunkSpec[] = [];
  if (source.kind === 'historical') {
    const batches =
      source.batchIds === 'all'
        ? await client.listBatches()
        : await Promise.all(source.batchIds.map((id) => client.getBatch(id)));
    for (const b of batches)
      specs.push({ kind: 'historical', batchId: String(b.id), legacyBatchId: b.id, employees: b.employee_count });
  } else {
    const total = source.kind === 'generated' ? source.employees : source.rows.length;
    const table =
      source.kind === 'rows' && source.bands ? { version: null, bands: source.bands } : await client.currentBands();
    const pool = source.poolAmount ?? null;
    const step = pool != null ? total : size;
    for (let from = 0; from < total; from += step) {
      const to = Math.min(total, from + step);
      specs.push({ kind: source.kind, batchId: source.kind, from, to, employees: to - from, bands: table.bands, bandVersion: table.version, poolAmount: pool });
    }
  }
  specs.push({ kind: 'canonical', batchId: 'canonical', employees: CANONICAL_CASES.length });
  return specs;
}

/**
 * Compute chunks of one source: legacy's side through its API, the new engine in process, the
 * diff. Generated rows are made once per session (deterministic for the seed).
 */
export function chunkSession(source: ParitySource, opts: RunOptions): { compute(spec: ParityChunkSpec): Promise<{ summary: ChunkSummary; mismatches: MismatchRecord[] }> } {
  const client = new LegacyClient(opts.legacyUrl, opts.signal);
  const plan = opts.plan ?? legacyEquivalentPlan();
  const tolerance = new Decimal(opts.tolerance ?? '0.01');
  const size = opts.chunkSize ?? 2000;
  let generated: Promise<EmployeeRow[]> | undefined;
  const rowsOf = (): Promise<EmployeeRow[]> => {
    if (source.kind === 'rows') return Promise.resolve(source.rows);
    if (source.kind !== 'generated') throw new Error('a historical source has no rows of its own');
    return (generated ??= generateRows(opts.legacyPython, source.employees, source.seed, opts.signal));
  };
  const summarize = (seg: Segment & { kind: BatchSummary['kind']; bandVersion: number | null }, r: SegmentResult): ChunkSummary => {
    const over = r.mismatches.filter((m) => !m.withinTolerance);
    return {
      batchId: seg.batchId,
      kind: seg.kind,
      employees: r.employees,
      matched: r.matched,
      mismatched: r.mismatched,
      withinTolerance: r.withinTolerance,
      maxAbsDiff: r.maxAbsDiff.toFixed(),
      byOutput: r.byOutput,
      bandVersion: seg.bandVersion,
      poolAmount: seg.poolAmount,
      overTolerance: over.length,
      overExamples: over.slice(0, 5).map((m) => ({ employeeId: m.employeeId, output: m.output, legacy: m.legacyValue, new: m.newValue, absDiff: m.absDiff })),
    };
  };
  return {
    async compute(spec) {
      let seg: Segment & { kind: BatchSummary['kind']; bandVersion: number | null };
      if (spec.kind === 'historical') {
        const batch = await client.getBatch(spec.legacyBatchId);
        const [rows, legacy] = await Promise.all([client.uploadRows(batch.upload_id), client.batchResults(spec.legacyBatchId)]);
        seg = { kind: 'historical', batchId: spec.batchId, rows, legacy, plan: planForBands(plan, batch.bands), poolAmount: batch.pool_amount, bandVersion: batch.band_version };
      } else if (spec.kind === 'canonical') {
        const rows = CANONICAL_CASES.map((c) => c.row);
        seg = { kind: 'canonical', batchId: 'canonical', rows, legacy: await legacyCalculate(client, rows, DEFAULT_BANDS, null, size), plan: planForBands(plan, DEFAULT_BANDS), poolAmount: null, bandVersion: null };
      } else {
        const rows = (await rowsOf()).slice(spec.from, spec.to);
        const legacy = await legacyCalculate(client, rows, spec.bands, spec.poolAmount, size);
        seg = { kind: spec.kind, batchId: spec.batchId, rows, legacy, plan: planForBands(plan, spec.bands), poolAmount: spec.poolAmount, bandVersion: spec.bandVersion };
      }
      const r = compareSegment(seg, tolerance);
      const summary = summarize(seg, r);
      if (spec.kind === 'canonical') {
        const legacyBonus = new Map(seg.legacy.map((l) => [l.employee_id, l.bonus]));
        summary.canonical = CANONICAL_CASES.map((c) => ({
          employeeId: c.row.employee_id,
          baseSalary: c.row.base_salary,
          targetPct: c.row.target_pct,
          expected: c.expectedBonus,
          legacy: legacyBonus.get(c.row.employee_id) ?? null,
          new: r.newBonus.get(c.row.employee_id) ?? null,
        }));
      }
      return { summary, mismatches: r.mismatches };
    },
  };
}

/**
 * A report from its chunks' summaries, in chunk order: totals, by output, one line per source
 * batch (a generated source's slices add up to one), and Gate A. The same summaries give the same
 * report, however many times the run was interrupted.
 */
export function summarizeChunks(chunks: ChunkSummary[], opts: Pick<RunOptions, 'plan' | 'planName' | 'tolerance'>): Omit<ParityOutcome, 'mismatches' | 'durationMs'> {
  const plan = opts.plan ?? legacyEquivalentPlan();
  const tolerance = new Decimal(opts.tolerance ?? '0.01');
  const byOutput: Record<string, OutputStats> = {};
  let maxAbs = new Decimal(0);
  const batches: BatchSummary[] = [];
  for (const c of chunks) {
    if (new Decimal(c.maxAbsDiff).gt(maxAbs)) maxAbs = new Decimal(c.maxAbsDiff);
    for (const [o, s] of Object.entries(c.byOutput)) {
      const acc = (byOutput[o] ??= { compared: 0, mismatched: 0, overTolerance: 0, maxAbsDiff: '0' });
      acc.compared += s.compared;
      acc.mismatched += s.mismatched;
      acc.overTolerance += s.overTolerance;
      if (new Decimal(s.maxAbsDiff).gt(acc.maxAbsDiff)) acc.maxAbsDiff = s.maxAbsDiff;
    }
    const last = batches[batches.length - 1];
    if (last && last.batchId === c.batchId && last.kind === c.kind) {
      last.employees += c.employees;
      last.mismatched += c.mismatched;
    } else {
      batches.push({ batchId: c.batchId, kind: c.kind, employees: c.employees, mismatched: c.mismatched, bandVersion: c.bandVersion, poolAmount: c.poolAmount });
    }
  }
  const sum = (f: (c: ChunkSummary) => number) => chunks.reduce((a, c) => a + f(c), 0);
  const gateA = evaluateGateA({
    batches,
    overTolerance: { count: sum((c) => c.overTolerance), examples: chunks.flatMap((c) => c.overExamples).slice(0, 5) },
    tolerance,
    maxAbsDiff: maxAbs,
    canonical: chunks.find((c) => c.kind === 'canonical')?.canonical ?? [],
  });
  return {
    planRef: { name: opts.planName ?? 'legacy-equivalent', hash: planHash(plan), catalogVersion: 1 },
    employees: sum((c) => c.employees),
    matched: sum((c) => c.matched),
    mismatched: sum((c) => c.mismatched),
    withinTolerance: sum((c) => c.withinTolerance),
    maxAbsDiff: maxAbs.toFixed(),
    byOutput,
    batches,
    gateA,
  };
}

/**
 * Replay employees through the legacy engine (its API) and the new engine (the legacy-equivalent
 * plan with the same band table and pool), diff every employee and output to the cent, and
 * evaluate Gate A, all in memory: the chunks of `planChunks` one after the other. The 10
 * canonical half-even cases are always included. (Stored reports run the same chunks through
 * modules/parity's executor, one committed chunk at a time.)
 */
export async function runParity(source: ParitySource, opts: RunOptions): Promise<ParityOutcome> {
  const started = performance.now();
  const session = chunkSession(source, opts);
  const summaries: ChunkSummary[] = [];
  const mismatches: MismatchRecord[] = [];
  for (const spec of await planChunks(source, opts)) {
    const out = await session.compute(spec);
    summaries.push(out.summary);
    mismatches.push(...out.mismatches);
  }
  return { ...summarizeChunks(summaries, opts), mismatches, durationMs: Math.round(performance.now() - started) };
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
  overTolerance: { count: number; examples: OverExample[] };
  tolerance: Decimal;
  maxAbsDiff: Decimal;
  canonical: CanonicalOutcome[];
}): GateResult {
  const historical = input.batches.filter((b) => b.kind === 'historical');
  const employees = historical.reduce((a, b) => a + b.employees, 0);
  const over = input.overTolerance;
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
      passed: over.count === 0,
      detail:
        over.count === 0
          ? `every difference ≤ ${input.tolerance.toFixed()} (largest ${input.maxAbsDiff.toFixed()})`
          : `${over.count} differences above ${input.tolerance.toFixed()} (largest ${input.maxAbsDiff.toFixed()})`,
      evidence: {
        tolerance: input.tolerance.toFixed(),
        maxAbsDiff: input.maxAbsDiff.toFixed(),
        overTolerance: over.count,
        examples: over.examples.slice(0, 5),
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
