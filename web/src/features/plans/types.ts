// The plans API's types come from the module's own zod schemas (type-only: nothing server-side is bundled).
export type {
  CreatePlanBody,
  CreateStepBody,
  EngineFunctions,
  EvaluateResponse,
  EvaluateRowResult,
  PatchStepBody,
  Plan,
  PlanProblem,
  PlanSummary,
  Step,
  ValidateResponse,
} from '../../../../modules/plans/schema';
