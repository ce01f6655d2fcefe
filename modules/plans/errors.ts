import { AppError, conflict, notFound, type FieldError } from '../core/errors';
import type { PlanProblem } from './schema';

/** Stable codes of the plans module's expected failures. */
export const PlanErrors = {
  planNotFound: (id: string) => notFound('Bonus plan', id),
  stepNotFound: (id: string) => notFound('Plan step', id),
  poolNotFound: (id: string) => notFound('Plan pool', id),
  tenantNotFound: (id: string) => notFound('Tenant', id),
  locked: (id: string, version: number) =>
    conflict('PLAN_LOCKED', `Bonus plan ${id} (version ${version}) is locked; start a new version to change it`, { planId: id }),
  notLocked: (id: string) =>
    conflict('PLAN_NOT_LOCKED', `Bonus plan ${id} is a draft; a new version can only be started from a locked plan`, { planId: id }),
  alreadyLocked: (id: string) => conflict('PLAN_ALREADY_LOCKED', `Bonus plan ${id} is already locked`, { planId: id }),
  /** `action` names what was refused: locking (also an import with lock) or evaluating test vectors. */
  invalid: (id: string, problems: PlanProblem[], action: 'locked' | 'evaluated' = 'locked') =>
    new AppError('PLAN_INVALID', 422, `Bonus plan ${id} has ${problems.length} problem(s) and cannot be ${action}`, [], { problems }),
  duplicate: (what: string, errors: FieldError[]) => new AppError('PLAN_DUPLICATE', 409, `${what} already exists`, errors),
  catalogKeyTaken: (key: string) =>
    new AppError('INPUT_CATALOG_DUPLICATE', 409, `Input '${key}' is already in the catalog`, [{ path: 'body.key', message: 'is already used' }]),
  reorderMismatch: (errors: FieldError[]) =>
    new AppError('FIG_VALIDATION', 400, 'stepIds must list every step of the plan exactly once', errors),
  evaluationTimeout: (ms: number) =>
    new AppError('EVALUATION_TIMEOUT', 422, `The evaluation did not finish within ${ms} ms and was stopped; evaluate fewer rows or simplify the plan`, [], { timeoutMs: ms }),
  evaluationBusy: () => new AppError('EVALUATION_BUSY', 503, 'Too many plan evaluations are waiting; retry shortly'),
  evaluationTooLarge: () => new AppError('EVALUATION_TOO_LARGE', 422, 'The evaluation ran out of memory and was stopped; the plan builds values too large to evaluate'),
  /** rows × the plan's worst-case row cost is over the evaluation budget: refused before evaluating. */
  overBudget: (rows: number, rowCost: number, budget: number) => {
    const most = Math.floor(budget / rowCost);
    return new AppError(
      'EVALUATION_BUDGET_EXCEEDED',
      422,
      `${rows} row(s) × ${rowCost} digit-operations per row exceed the evaluation budget of ${budget}; send at most ${most} row(s)`,
      [{ path: 'body.rows', message: `at most ${most} row(s) for this plan`, code: 'too_expensive' }],
      { rowCost, budget },
    );
  },
  /** The run-time meter stopped the evaluation (results larger than the static estimate). */
  budgetSpent: (message: string, row: number, step: string, budget: number) =>
    new AppError('EVALUATION_BUDGET_EXCEEDED', 422, message, [], { row, stepKey: step, budget }),
  newerDraftExists: (id: string, draftId: string) =>
    conflict('PLAN_DRAFT_EXISTS', `Plan ${id} already has a newer version ${draftId}`, { draftId }),
};

/** Postgres SQLSTATE raised by the comp.* immutability triggers. */
export const PG_PLAN_LOCKED = 'FIG01';
export const PG_UNIQUE_VIOLATION = '23505';

export function pgCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export function pgConstraint(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'constraint' in err ? String((err as { constraint: unknown }).constraint) : undefined;
}
