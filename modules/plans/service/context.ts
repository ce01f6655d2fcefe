import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { withTenant, type Db, type Trx } from '../../core/db';
import { AppError, badRequest, type FieldError } from '../../core/errors';
import { PG_PLAN_LOCKED, PG_UNIQUE_VIOLATION, PlanErrors, pgCode, pgConstraint } from '../errors';
import * as repo from '../repo';
import type { BonusPlanRow } from '../tables';
import type { PlanEvaluator } from './evaluation-types';

/** Who is acting, for tenancy and the audit trail. */
export interface Caller {
  tenantId: string;
  /** Display name ("finance@acme.test"). */
  actor: string;
  actorId?: string;
  requestId?: string;
  ip?: string;
}

export interface PlansDeps {
  db: Db;
  log: FastifyBaseLogger;
  clock?: () => Date;
  /** Where test vectors are evaluated (the gateway: a worker pool); default: in this thread. */
  evaluator?: PlanEvaluator;
  /** Cost budget of one evaluation, in digit-operations (default: the engine's). */
  evaluationBudget?: number;
}

// Unique constraints → the request field they are about (auto-named by Postgres in migration 0020).
const UNIQUE_FIELDS: Record<string, { what: string; path: string }> = {
  plan_steps_plan_id_key_key: { what: 'A step with this key', path: 'body.key' },
  plan_steps_plan_id_output_key: { what: 'A step with this output', path: 'body.output' },
  plan_pools_plan_id_name_key: { what: 'A pool with this name', path: 'body.name' },
  plan_inputs_plan_id_name_key: { what: 'An input with this name', path: 'body.inputs' },
  plan_constants_plan_id_name_key: { what: 'A constant with this name', path: 'body.constants' },
};

/**
 * Run a use case in one tenant transaction, mapping database refusals to problems:
 * the immutability trigger (a locked plan) → 409 PLAN_LOCKED, unique keys → 409 PLAN_DUPLICATE.
 */
export async function inTenant<T>(deps: PlansDeps, caller: Caller, fn: (trx: Trx) => Promise<T>): Promise<T> {
  try {
    return await withTenant(deps.db, caller.tenantId, fn);
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = pgCode(err);
    if (code === PG_PLAN_LOCKED) throw new AppError('PLAN_LOCKED', 409, 'The bonus plan is locked; start a new version to change it');
    if (code === PG_UNIQUE_VIOLATION) {
      const hit = UNIQUE_FIELDS[pgConstraint(err) ?? ''];
      if (hit) throw PlanErrors.duplicate(hit.what, [{ path: hit.path, message: 'is already used in this plan' }]);
    }
    throw err;
  }
}

/** The plan, or 404 (another tenant's plan is invisible, so it is 404 too). */
export async function getPlanRow(trx: Trx, caller: Caller, id: string, opts: { forUpdate?: boolean } = {}): Promise<BonusPlanRow> {
  const plan = await repo.findPlan(trx, caller.tenantId, id, opts);
  if (!plan) throw PlanErrors.planNotFound(id);
  return plan;
}

/** The plan locked FOR UPDATE, or 404; 409 PLAN_LOCKED unless it is a draft. Serialises edits with lock. */
export async function getDraftForUpdate(trx: Trx, caller: Caller, id: string): Promise<BonusPlanRow> {
  const plan = await getPlanRow(trx, caller, id, { forUpdate: true });
  if (plan.status !== 'draft') throw PlanErrors.locked(plan.id, plan.version);
  return plan;
}

/**
 * Version 1 of a new plan family, as a draft, with its inputs and constants (their names already
 * checked with assertUniqueNames). Used by create and import.
 */
export async function insertFamilyDraft(
  trx: Trx,
  caller: Caller,
  p: {
    name: string;
    description: string;
    catalogVersion: number;
    inputs: { name: string; description: string }[];
    constants: { name: string; value: string; description: string }[];
  },
): Promise<BonusPlanRow> {
  const plan = await repo.insertPlan(trx, {
    tenant_id: caller.tenantId,
    family_id: randomUUID(),
    parent_id: null,
    name: p.name,
    description: p.description,
    version: 1,
    status: 'draft',
    catalog_version: p.catalogVersion,
    created_by: caller.actor,
  });
  await repo.replaceInputs(trx, caller.tenantId, plan.id, p.inputs);
  await repo.replaceConstants(trx, caller.tenantId, plan.id, p.constants);
  return plan;
}

/** 400 when two entries of a list share a name. */
export function assertUniqueNames(list: { name: string }[] | undefined, path: string): void {
  if (!list) return;
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  list.forEach((item, i) => {
    if (seen.has(item.name)) errors.push({ path: `${path}[${i}].name`, message: `'${item.name}' is listed twice`, code: 'duplicate' });
    seen.add(item.name);
  });
  if (errors.length) throw badRequest(`${errors.length} invalid field(s)`, errors, 'FIG_VALIDATION');
}
