import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import { withTenant, type Db, type Trx } from '../core/db';
import type { PlanDefinitionInput } from '../engine/index';
import { toDefinition } from './mappers';
import { loadBundle } from './service/load-plan';
import type { FigModule } from '../core/module';
import type { Config } from '../core/config';
import { createEvaluationPool } from './evaluation-pool';
import * as repo from './repo';
import { plansRoutes } from './routes';
import { ImportPlanBody } from './schema';
import { createPlansService, type Caller, type PlansService } from './service';
import { importPlan } from './service/import-plan';
import { lockPlan } from './service/lock-plan';
import { startVersion } from './service/start-version';

export { createPlansService, type PlansService, type Caller };
export * as PlanSchemas from './schema';

/** The plans module: bonus plans, their versions, steps, pools, validation and test evaluation. */
const plugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  // User formulas never run on the gateway's event loop: a small reused worker pool with a deadline.
  const evaluator = createEvaluationPool({
    size: config.PLAN_EVAL_WORKERS,
    timeoutMs: config.PLAN_EVAL_TIMEOUT_MS,
    maxQueue: config.PLAN_EVAL_QUEUE_MAX,
    log: app.log,
  });
  app.addHook('onClose', () => evaluator.close());
  const service = createPlansService({ db: app.db, log: app.log, evaluator, evaluationBudget: config.PLAN_EVAL_BUDGET });
  await app.register(plansRoutes, { prefix: '/api/v1', service });
};

export const plansModule: FigModule = { name: 'plans', plugin };

export const DEMO_TENANT_ID = '00000000-0000-4000-8000-00000000ac3e';
export const LEGACY_EQUIVALENT_NAME = 'Legacy bonus formula (equivalent)';
const SEED_PATH = new URL('./seeds/legacy-equivalent.json', import.meta.url);

/** The default input catalog: the legacy service's five employee inputs. */
export const DEFAULT_INPUT_CATALOG = [
  { key: 'base_salary', label: 'Base salary', type: 'money' as const, description: 'Annual base salary', unit: 'currency' },
  { key: 'target_pct', label: 'Target bonus %', type: 'percent' as const, description: 'Target bonus as a fraction of base salary (0.10 = 10%)', unit: null },
  { key: 'performance_score', label: 'Performance score', type: 'decimal' as const, description: 'Performance rating from 0 to 1', unit: null },
  { key: 'fund_return', label: 'Fund return', type: 'percent' as const, description: 'Fund return as a fraction (0.05 = 5%)', unit: null },
  { key: 'revenue', label: 'Revenue', type: 'money' as const, description: 'Revenue attributed to the employee or unit', unit: 'currency' },
];

/**
 * Idempotent demo data for a tenant: the default input catalog, and the legacy-equivalent plan
 * imported as a locked version 1 with a draft version 2 started from it. Runs again harmlessly.
 */
export async function seedDemo(
  db: Db,
  tenantId: string = DEMO_TENANT_ID,
  opts: { log?: FastifyBaseLogger; seedFile?: URL | string } = {},
): Promise<{ catalogAdded: number; planCreated: boolean }> {
  const catalogAdded = await withTenant(db, tenantId, (trx) => repo.ensureCatalogItems(trx, tenantId, DEFAULT_INPUT_CATALOG));
  const existing = await withTenant(db, tenantId, (trx) => repo.findPlanByName(trx, tenantId, LEGACY_EQUIVALENT_NAME));
  if (existing.length > 0) return { catalogAdded, planCreated: false };

  let raw: string;
  try {
    raw = await readFile(opts.seedFile ?? SEED_PATH, 'utf8');
  } catch {
    opts.log?.warn({ seed: String(opts.seedFile ?? SEED_PATH) }, 'legacy-equivalent plan seed not found; skipped');
    return { catalogAdded, planCreated: false };
  }
  const seed = JSON.parse(raw) as Record<string, unknown>;
  const body = ImportPlanBody.parse({
    ...seed,
    name: LEGACY_EQUIVALENT_NAME,
    description: typeof seed.description === 'string' ? seed.description : 'The legacy service hard-coded bonus formula, written as a plan.',
    lock: false,
  });
  const caller: Caller = { tenantId, actor: 'seed' };
  const deps = { db, log: opts.log ?? pino({ level: 'silent' }) };
  const v1 = await importPlan(deps, caller, body);
  await lockPlan(deps, caller, v1.id);
  await startVersion(deps, caller, v1.id);
  return { catalogAdded, planCreated: true };
}


/** A locked plan version as a run evaluates it. */
export interface LockedPlanVersion {
  id: string;
  version: number;
  definition: PlanDefinitionInput;
}

/**
 * The newest locked version of the tenant's plan named `name` (as the engine reads it), in the
 * caller's tenant transaction; undefined when no version of it is locked.
 */
export async function findLatestLockedPlan(trx: Trx, tenantId: string, name: string): Promise<LockedPlanVersion | undefined> {
  const latest = (await repo.findPlanByName(trx, tenantId, name)).filter((p) => p.status === 'locked').at(-1);
  if (!latest) return undefined;
  return { id: latest.id, version: latest.version, definition: toDefinition(await loadBundle(trx, latest)) };
}

/** A plan version's inputs as an upload is mapped to them: names in order, with the tenant catalog's label and type when the name is catalogued. */
export interface PlanInputsForMapping {
  id: string;
  familyId: string;
  version: number;
  inputs: { name: string; description: string; label: string | null; type: string | null }[];
}

/** The inputs of plan version `planId` in the caller's tenant transaction; undefined when there is no such plan. */
export async function findPlanInputs(trx: Trx, tenantId: string, planId: string): Promise<PlanInputsForMapping | undefined> {
  const plan = await repo.findPlan(trx, tenantId, planId);
  if (!plan) return undefined;
  const [inputs, catalog] = await Promise.all([repo.listInputs(trx, planId), repo.listCatalog(trx, tenantId)]);
  const byKey = new Map(catalog.map((c) => [c.key, c]));
  return {
    id: plan.id,
    familyId: plan.family_id,
    version: plan.version,
    inputs: inputs.map((i) => ({ name: i.name, description: i.description, label: byKey.get(i.name)?.label ?? null, type: byKey.get(i.name)?.type ?? null })),
  };
}

/** A plan version as a run pipeline reads it: its definition, status and pools. */
export interface PlanVersionForRun extends LockedPlanVersion {
  status: string;
  pools: { name: string; amount: string; column: string; output: string }[];
}

/** One plan version by id (any status), as the engine reads it, in the caller's tenant transaction. */
export async function findPlanVersion(trx: Trx, tenantId: string, id: string): Promise<PlanVersionForRun | undefined> {
  const plan = await repo.findPlan(trx, tenantId, id);
  if (!plan) return undefined;
  const bundle = await loadBundle(trx, plan);
  return {
    id: plan.id,
    version: plan.version,
    status: plan.status,
    definition: toDefinition(bundle),
    pools: bundle.pools.map((p) => ({ name: p.name, amount: p.amount, column: p.column, output: p.output })),
  };
}
