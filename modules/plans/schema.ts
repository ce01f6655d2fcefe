import { z } from 'zod';

/**
 * Wire schemas of the plans API, shared by the gateway routes (through the zod type provider)
 * and the SPA. Money and every decimal travel as strings; ids are uuids.
 */

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const KEYWORDS = new Set(['if', 'then', 'else']);

/** A name usable in expressions (input, constant, step output). */
export const Identifier = z
  .string()
  .regex(NAME_RE, 'must be a name: a letter or _ followed by letters, digits or _ (at most 64)')
  .refine((s) => !KEYWORDS.has(s), 'must not be a keyword (if, then, else)');

/** A plain decimal string: optional minus, digits, optional fraction; no exponent. */
export const DecimalString = z
  .string()
  .max(60)
  .regex(/^-?\d+(\.\d+)?$/, 'must be a plain decimal string like "1.25"');

/** numeric(38,10): at most 28 integer digits and 10 decimals. */
export const MoneyString = z
  .string()
  .regex(/^\d{1,28}(\.\d{1,10})?$/, 'must be a non-negative decimal string with at most 28 integer digits and 10 decimals');

export const StepKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, _ . or -');

const Text = (max: number) => z.string().max(max);
const Expr = z.string().trim().min(1, 'must not be empty').max(10_000);
const Uuid = z.uuid();

export const TenantParams = z.object({ tid: Uuid });
export const PlanParams = z.object({ id: Uuid });
export const PlanDiffParams = z.object({ id: Uuid, otherId: Uuid });
export const StepParams = z.object({ id: Uuid, stepId: Uuid });
export const PoolParams = z.object({ id: Uuid, poolId: Uuid });

// ---- input catalog ---------------------------------------------------------------------------

export const InputType = z.enum(['decimal', 'money', 'percent', 'integer']);

export const InputCatalogItem = z.object({
  id: Uuid,
  tenantId: Uuid,
  key: z.string(),
  label: z.string(),
  type: InputType,
  description: z.string(),
  unit: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type InputCatalogItem = z.infer<typeof InputCatalogItem>;

export const CreateInputCatalogBody = z.object({
  key: Identifier,
  label: Text(200).min(1),
  type: InputType.default('decimal'),
  description: Text(1000).default(''),
  unit: Text(32).nullish(),
});
export type CreateInputCatalogBody = z.infer<typeof CreateInputCatalogBody>;

export const InputCatalogList = z.object({ data: z.array(InputCatalogItem) });

// ---- plans ---------------------------------------------------------------------------------

export const PlanStatus = z.enum(['draft', 'locked']);

export const PlanInput = z.object({ name: Identifier, description: Text(500).default('') });
export type PlanInput = z.infer<typeof PlanInput>;

export const PlanConstant = z.object({ name: Identifier, value: DecimalString, description: Text(500).default('') });
export type PlanConstant = z.infer<typeof PlanConstant>;

export const Step = z.object({
  id: Uuid,
  key: z.string(),
  output: z.string(),
  expr: z.string(),
  conditionExpr: z.string().nullable(),
  default: z.string(),
  description: z.string(),
  position: z.number().int(),
});
export type Step = z.infer<typeof Step>;

export const Pool = z.object({
  id: Uuid,
  name: z.string(),
  amount: z.string(),
  column: z.string(),
  output: z.string(),
  idColumn: z.string(),
  description: z.string(),
});
export type Pool = z.infer<typeof Pool>;

const PlanBase = {
  id: Uuid,
  tenantId: Uuid,
  familyId: Uuid,
  parentId: Uuid.nullable(),
  name: z.string(),
  description: z.string(),
  version: z.number().int(),
  status: PlanStatus,
  catalogVersion: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lockedAt: z.string().nullable(),
  lockedBy: z.string().nullable(),
};

export const PlanSummary = z.object({ ...PlanBase, stepCount: z.number().int() });
export type PlanSummary = z.infer<typeof PlanSummary>;

export const Plan = z.object({
  ...PlanBase,
  inputs: z.array(PlanInput),
  constants: z.array(PlanConstant),
  steps: z.array(Step),
  pools: z.array(Pool),
});
export type Plan = z.infer<typeof Plan>;

export const PlanListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  status: PlanStatus.optional(),
  search: z.string().max(200).optional(),
});
export type PlanListQuery = z.infer<typeof PlanListQuery>;

export const PlanList = z.object({
  data: z.array(PlanSummary),
  total: z.number().int(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});

export const CreatePlanBody = z.object({
  name: Text(200).trim().min(1),
  description: Text(2000).default(''),
  inputs: z.array(PlanInput).max(500).default([]),
  constants: z.array(PlanConstant).max(500).default([]),
});
export type CreatePlanBody = z.infer<typeof CreatePlanBody>;

/** Replaces only the fields given; `inputs`/`constants` replace the whole list. */
export const PatchPlanBody = z
  .object({
    name: Text(200).trim().min(1),
    description: Text(2000),
    inputs: z.array(PlanInput).max(500),
    constants: z.array(PlanConstant).max(500),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type PatchPlanBody = z.infer<typeof PatchPlanBody>;

// ---- steps ---------------------------------------------------------------------------------

export const CreateStepBody = z.object({
  key: StepKey,
  /** Defaults to the key. */
  output: Identifier.optional(),
  expr: Expr,
  conditionExpr: Expr.nullish(),
  default: DecimalString.default('0'),
  description: Text(500).default(''),
  /** 0-based; appended at the end when absent. */
  position: z.number().int().min(0).optional(),
});
export type CreateStepBody = z.infer<typeof CreateStepBody>;

export const PatchStepBody = z
  .object({
    key: StepKey,
    output: Identifier,
    expr: Expr,
    conditionExpr: Expr.nullable(),
    default: DecimalString,
    description: Text(500),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type PatchStepBody = z.infer<typeof PatchStepBody>;

export const ReorderStepsBody = z.object({ stepIds: z.array(Uuid).min(1).max(500) });
export type ReorderStepsBody = z.infer<typeof ReorderStepsBody>;

export const StepList = z.object({ data: z.array(Step) });

// ---- pools ---------------------------------------------------------------------------------

export const CreatePoolBody = z.object({
  name: Text(100).trim().min(1),
  amount: MoneyString,
  /** The step output scaled to the pool (e.g. "bonus"). */
  column: Identifier,
  /** Name of the allocated column in evaluation results. */
  output: Identifier.default('pool_bonus'),
  /** Row field used to break ties between equal remainders (falls back to the row index). */
  idColumn: Identifier.default('employee_id'),
  description: Text(500).default(''),
});
export type CreatePoolBody = z.infer<typeof CreatePoolBody>;

export const PatchPoolBody = z
  .object({
    name: Text(100).trim().min(1),
    amount: MoneyString,
    column: Identifier,
    output: Identifier,
    idColumn: Identifier,
    description: Text(500),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type PatchPoolBody = z.infer<typeof PatchPoolBody>;

export const PoolList = z.object({ data: z.array(Pool) });

// ---- validate / evaluate / diff / functions ------------------------------------------------

export const PlanProblem = z.object({
  code: z.string(),
  stepKey: z.string().nullable(),
  field: z.string().nullable(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  message: z.string(),
  excerpt: z.string().nullable(),
});
export type PlanProblem = z.infer<typeof PlanProblem>;

export const ValidateResponse = z.object({ valid: z.boolean(), problems: z.array(PlanProblem) });
export type ValidateResponse = z.infer<typeof ValidateResponse>;

export const MAX_EVALUATE_ROWS = 1000;

export const EvaluateBody = z.object({
  rows: z
    .array(z.record(z.string().max(64), z.string().max(100)))
    .min(1)
    .max(MAX_EVALUATE_ROWS),
});
export type EvaluateBody = z.infer<typeof EvaluateBody>;

export const TapeEntry = z.object({
  step: z.string(),
  output: z.string(),
  value: z.string(),
  /** The step's condition: true (taken), false (0: the default was used), null (the step has none). */
  condition: z.boolean().nullable(),
});

export const EvaluateRowResult = z.union([
  z.object({
    row: z.number().int(),
    ok: z.literal(true),
    inputs: z.record(z.string(), z.string()),
    outputs: z.record(z.string(), z.string()),
    tape: z.array(TapeEntry),
  }),
  z.object({
    row: z.number().int(),
    ok: z.literal(false),
    error: z.object({ step: z.string().nullable(), message: z.string() }),
  }),
]);
export type EvaluateRowResult = z.infer<typeof EvaluateRowResult>;

export const PoolResult = z.object({
  name: z.string(),
  amount: z.string(),
  column: z.string(),
  output: z.string(),
  total: z.string(),
  allocated: z.string(),
  applied: z.boolean(),
});

export const EvaluateResponse = z.object({
  planId: Uuid,
  catalogVersion: z.number().int(),
  rows: z.number().int(),
  failed: z.number().int(),
  results: z.array(EvaluateRowResult),
  pools: z.array(PoolResult),
});
export type EvaluateResponse = z.infer<typeof EvaluateResponse>;

const StepSnapshot = z.object({
  output: z.string(),
  expr: z.string(),
  conditionExpr: z.string().nullable(),
  default: z.string(),
  position: z.number().int(),
});

export const PlanDiff = z.object({
  from: z.object({ id: Uuid, version: z.number().int(), status: PlanStatus }),
  to: z.object({ id: Uuid, version: z.number().int(), status: PlanStatus }),
  added: z.array(z.object({ key: z.string(), after: StepSnapshot })),
  removed: z.array(z.object({ key: z.string(), before: StepSnapshot })),
  changed: z.array(z.object({ key: z.string(), fields: z.array(z.string()), before: StepSnapshot, after: StepSnapshot })),
  unchanged: z.number().int(),
});
export type PlanDiff = z.infer<typeof PlanDiff>;

export const EngineFunctions = z.object({
  catalogVersion: z.number().int(),
  functions: z.array(
    z.object({
      name: z.string(),
      signature: z.string(),
      minArgs: z.number().int(),
      maxArgs: z.number().int().nullable(),
      description: z.string(),
      examples: z.array(z.object({ expr: z.string(), value: z.string() })),
    }),
  ),
});
export type EngineFunctions = z.infer<typeof EngineFunctions>;

/** A plan as the engine reads it (modules/engine PlanDefinition), plus plan metadata and pools. */
export const ImportPlanBody = z.object({
  name: Text(200).trim().min(1),
  description: Text(2000).default(''),
  catalog_version: z.number().int().optional(),
  inputs: z.array(z.object({ name: Identifier, type: z.literal('decimal').optional(), description: Text(500).optional() })).max(500),
  constants: z.array(z.object({ name: Identifier, value: DecimalString, description: Text(500).optional() })).max(500).default([]),
  steps: z
    .array(
      z.object({
        key: StepKey,
        output: Identifier,
        expr: Expr,
        condition_expr: Expr.nullish(),
        default: DecimalString.default('0'),
        description: Text(500).optional(),
      }),
    )
    .min(1)
    .max(500),
  pools: z.array(CreatePoolBody).max(20).default([]),
  /** Lock the imported plan right away (it must validate). */
  lock: z.boolean().default(false),
});
export type ImportPlanBody = z.infer<typeof ImportPlanBody>;
