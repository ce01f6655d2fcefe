import type { PlansDeps } from './service/context';
import { listInputCatalog, createInputCatalogItem } from './service/manage-catalog';
import { createPlan, getPlan, listPlans, patchPlan } from './service/edit-plans';
import { createStep, deleteStep, listSteps, patchStep, reorderSteps } from './service/edit-steps';
import { createPool, deletePool, listPools, patchPool } from './service/edit-pools';
import { lockPlan } from './service/lock-plan';
import { startVersion } from './service/start-version';
import { validatePlan } from './service/validate-plan';
import { evaluatePlan } from './service/evaluate-plan';
import { diffPlans } from './service/diff-plans';
import { importPlan } from './service/import-plan';
import { listEngineFunctions } from './service/list-functions';

export type { Caller, PlansDeps } from './service/context';

type Bound<F> = F extends (deps: PlansDeps, ...args: infer A) => infer R ? (...args: A) => R : never;
const bind =
  <A extends unknown[], R>(deps: PlansDeps, fn: (deps: PlansDeps, ...args: A) => R) =>
  (...args: A): R =>
    fn(deps, ...args);

/** The plans use cases bound to their dependencies; every method takes the caller first. */
export function createPlansService(deps: PlansDeps) {
  return {
    listInputCatalog: bind(deps, listInputCatalog) as Bound<typeof listInputCatalog>,
    createInputCatalogItem: bind(deps, createInputCatalogItem) as Bound<typeof createInputCatalogItem>,
    listPlans: bind(deps, listPlans) as Bound<typeof listPlans>,
    getPlan: bind(deps, getPlan) as Bound<typeof getPlan>,
    createPlan: bind(deps, createPlan) as Bound<typeof createPlan>,
    patchPlan: bind(deps, patchPlan) as Bound<typeof patchPlan>,
    importPlan: bind(deps, importPlan) as Bound<typeof importPlan>,
    lockPlan: bind(deps, lockPlan) as Bound<typeof lockPlan>,
    startVersion: bind(deps, startVersion) as Bound<typeof startVersion>,
    listSteps: bind(deps, listSteps) as Bound<typeof listSteps>,
    createStep: bind(deps, createStep) as Bound<typeof createStep>,
    patchStep: bind(deps, patchStep) as Bound<typeof patchStep>,
    deleteStep: bind(deps, deleteStep) as Bound<typeof deleteStep>,
    reorderSteps: bind(deps, reorderSteps) as Bound<typeof reorderSteps>,
    listPools: bind(deps, listPools) as Bound<typeof listPools>,
    createPool: bind(deps, createPool) as Bound<typeof createPool>,
    patchPool: bind(deps, patchPool) as Bound<typeof patchPool>,
    deletePool: bind(deps, deletePool) as Bound<typeof deletePool>,
    validatePlan: bind(deps, validatePlan) as Bound<typeof validatePlan>,
    evaluatePlan: bind(deps, evaluatePlan) as Bound<typeof evaluatePlan>,
    diffPlans: bind(deps, diffPlans) as Bound<typeof diffPlans>,
    listEngineFunctions,
  };
}

export type PlansService = ReturnType<typeof createPlansService>;
