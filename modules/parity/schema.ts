import { z } from 'zod';

/** Wire schemas of the parity API (shared with the SPA). Decimals travel as strings. */

const Dec = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a plain decimal string like "1.25"');

export const EmployeeRowIn = z.object({
  employee_id: z.string().min(1).max(200),
  name: z.string().max(200).nullish(),
  department: z.string().max(200).nullish(),
  base_salary: Dec,
  target_pct: Dec,
  performance_score: Dec,
  fund_return: Dec,
  revenue: Dec,
});

export const ReportSource = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('historical'),
    batchIds: z.union([z.literal('all'), z.array(z.number().int().positive()).min(1).max(100)]),
  }),
  z.object({
    kind: z.literal('generated'),
    employees: z.number().int().min(1).max(200_000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    poolAmount: Dec.nullish(),
  }),
  z.object({
    kind: z.literal('rows'),
    rows: z.array(EmployeeRowIn).min(1).max(5_000),
    bands: z
      .array(z.object({ min_revenue: Dec, multiplier: Dec }))
      .min(1)
      .max(20)
      .nullish(),
    poolAmount: Dec.nullish(),
  }),
]);
export type ReportSource = z.infer<typeof ReportSource>;

export const CreateReportBody = z.object({
  name: z.string().trim().min(1).max(200),
  source: ReportSource,
});
export type CreateReportBody = z.infer<typeof CreateReportBody>;

export const OutputStats = z.object({
  compared: z.number(),
  mismatched: z.number(),
  overTolerance: z.number(),
  maxAbsDiff: z.string(),
});

export const GateCheck = z.object({
  name: z.string(),
  passed: z.boolean(),
  detail: z.string(),
  evidence: z.record(z.string(), z.unknown()),
});
export const GateResult = z.object({ passed: z.boolean(), checks: z.array(GateCheck) });

export const ParityReport = z.object({
  id: z.uuid(),
  name: z.string(),
  source: z.unknown(),
  planRef: z.unknown(),
  status: z.enum(['running', 'done', 'failed']),
  error: z.string().nullable(),
  employees: z.number(),
  matched: z.number(),
  mismatched: z.number(),
  withinTolerance: z.number(),
  /** matched / employees, as a decimal string with 6 places ("1.000000"); null before the run ends. */
  matchRate: z.string().nullable(),
  maxAbsDiff: z.string(),
  byOutput: z.record(z.string(), OutputStats),
  batches: z.array(z.unknown()),
  gateA: GateResult.nullable(),
  durationMs: z.number().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  signedOffBy: z.string().nullable(),
  signedOffAt: z.string().nullable(),
  signOffNote: z.string().nullable(),
});
export type ParityReport = z.infer<typeof ParityReport>;

export const ParityReportPage = z.object({
  data: z.array(ParityReport),
  total: z.number(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});

export const ReportParams = z.object({ id: z.uuid() });
export const EmployeeParams = z.object({ id: z.uuid(), employeeId: z.string().min(1).max(200) });

export const MismatchQuery = z.object({
  output: z.string().max(64).optional(),
  minDiff: Dec.optional(),
  batchId: z.string().max(64).optional(),
  employeeId: z.string().max(200).optional(),
  overToleranceOnly: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export type MismatchQuery = z.infer<typeof MismatchQuery>;

export const Mismatch = z.object({
  id: z.string(),
  employeeId: z.string(),
  batchId: z.string().nullable(),
  output: z.string(),
  legacyValue: z.string().nullable(),
  newValue: z.string().nullable(),
  absDiff: z.string().nullable(),
  withinTolerance: z.boolean(),
  firstDiffStep: z.string().nullable(),
});
export type Mismatch = z.infer<typeof Mismatch>;

export const MismatchPage = z.object({
  data: z.array(Mismatch),
  total: z.number(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});

const TapeSide = z.object({
  inputs: z.record(z.string(), z.string()),
  steps: z.array(z.object({ key: z.string(), output: z.string(), value: z.string().nullable() })),
  pool_bonus: z.string().nullable().optional(),
  error: z.object({ step: z.string().nullable(), message: z.string() }).optional(),
});

export const EmployeeDrillDown = z.object({
  employeeId: z.string(),
  batchId: z.string().nullable(),
  otherBatches: z.array(z.string()),
  firstDiffStep: z.string().nullable(),
  mismatches: z.array(Mismatch),
  /** The two tapes side by side, one line per plan step (then pool_bonus when a pool applies). */
  steps: z.array(
    z.object({
      key: z.string(),
      output: z.string(),
      legacy: z.string().nullable(),
      new: z.string().nullable(),
      differs: z.boolean(),
      first: z.boolean(),
    }),
  ),
  inputs: z.record(z.string(), z.string()),
  legacyTape: TapeSide,
  newTape: TapeSide,
});
export type EmployeeDrillDown = z.infer<typeof EmployeeDrillDown>;

export const SignOffBody = z.object({ note: z.string().trim().min(3).max(2000) });

export const EngineGate = z.object({
  passed: z.boolean(),
  status: z.enum(['signed-off', 'not-signed-off', 'no-report']),
  detail: z.string(),
  signedOffReport: ParityReport.nullable(),
  latestReport: ParityReport.nullable(),
});
export type EngineGate = z.infer<typeof EngineGate>;
