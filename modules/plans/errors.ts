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
