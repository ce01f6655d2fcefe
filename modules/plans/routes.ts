import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth, requireTenant } from '../core/auth-context';
import { PlanErrors } from './errors';
import {
  CreateInputCatalogBody,
  CreatePlanBody,
  CreatePoolBody,
  CreateStepBody,
  EngineFunctions,
  EvaluateBody,
  EvaluateResponse,
  ImportPlanBody,
  InputCatalogItem,
  InputCatalogList,
  PatchPlanBody,
  PatchPoolBody,
  PatchStepBody,
  Plan,
  PlanDiff,
  PlanDiffParams,
  PlanList,
  PlanListQuery,
  PlanParams,
  Pool,
  PoolList,
  PoolParams,
  ReorderStepsBody,
  Step,
  StepList,
  StepParams,
  TenantParams,
  ValidateResponse,
} from './schema';
import type { Caller, PlansService } from './service';

const READ = { permission: 'plans.read' };
const WRITE = { permission: 'plans.write' };
const LOCK = { permission: 'plans.lock' };
// Action routes take no body; an empty JSON object is accepted too.
const Empty = z.object({}).nullish();

/** The caller, scoped to the tenant of the session. */
function caller(request: FastifyRequest): Caller {
  const tenantId = requireTenant(request);
  const auth = requireAuth(request);
  return { tenantId, actor: auth.actor, actorId: auth.userId, requestId: String(request.id), ip: request.ip };
}

/** The caller, after checking `{tid}` is the session's tenant (another tenant is simply not found). */
function tenantCaller(request: FastifyRequest, tid: string): Caller {
  const c = caller(request);
  if (c.tenantId !== tid.toLowerCase()) throw PlanErrors.tenantNotFound(tid);
  return c;
}

/** Routes of the plans API under /api/v1. Thin: parse (zod), call the service, answer. */
export async function plansRoutes(appRaw: FastifyInstance, { service }: { service: PlansService }): Promise<void> {
  const app = appRaw.withTypeProvider<ZodTypeProvider>();
  const tags = ['plans'];

  // ---- input catalog
  app.get('/tenants/:tid/input-catalog', { config: READ, schema: { tags, params: TenantParams, response: { 200: InputCatalogList } } }, (req) =>
    service.listInputCatalog(tenantCaller(req, req.params.tid)),
  );
  app.post(
    '/tenants/:tid/input-catalog',
    { config: WRITE, schema: { tags, params: TenantParams, body: CreateInputCatalogBody, response: { 201: InputCatalogItem } } },
    async (req, reply) => reply.code(201).send(await service.createInputCatalogItem(tenantCaller(req, req.params.tid), req.body)),
  );

  // ---- plans
  app.get(
    '/tenants/:tid/bonus-plans',
    { config: READ, schema: { tags, params: TenantParams, querystring: PlanListQuery, response: { 200: PlanList } } },
    (req) => service.listPlans(tenantCaller(req, req.params.tid), req.query),
  );
  app.post(
    '/tenants/:tid/bonus-plans',
    { config: WRITE, schema: { tags, params: TenantParams, body: CreatePlanBody, response: { 201: Plan } } },
    async (req, reply) => reply.code(201).send(await service.createPlan(tenantCaller(req, req.params.tid), req.body)),
  );
  app.post(
    '/tenants/:tid/bonus-plans/import',
    { config: WRITE, schema: { tags, params: TenantParams, body: ImportPlanBody, response: { 201: Plan } } },
    async (req, reply) => reply.code(201).send(await service.importPlan(tenantCaller(req, req.params.tid), req.body)),
  );
  app.get('/bonus-plans/:id', { config: READ, schema: { tags, params: PlanParams, response: { 200: Plan } } }, (req) =>
    service.getPlan(caller(req), req.params.id),
  );
  app.patch('/bonus-plans/:id', { config: WRITE, schema: { tags, params: PlanParams, body: PatchPlanBody, response: { 200: Plan } } }, (req) =>
    service.patchPlan(caller(req), req.params.id, req.body),
  );
  app.post('/bonus-plans/:id/lock', { config: LOCK, schema: { tags, params: PlanParams, body: Empty, response: { 200: Plan } } }, (req) =>
    service.lockPlan(caller(req), req.params.id),
  );
  app.post(
    '/bonus-plans/:id/versions',
    { config: WRITE, schema: { tags, params: PlanParams, body: Empty, response: { 201: Plan } } },
    async (req, reply) => reply.code(201).send(await service.startVersion(caller(req), req.params.id)),
  );

  // ---- steps
  app.get('/bonus-plans/:id/steps', { config: READ, schema: { tags, params: PlanParams, response: { 200: StepList } } }, (req) =>
    service.listSteps(caller(req), req.params.id),
  );
  app.post(
    '/bonus-plans/:id/steps',
    { config: WRITE, schema: { tags, params: PlanParams, body: CreateStepBody, response: { 201: Step } } },
    async (req, reply) => reply.code(201).send(await service.createStep(caller(req), req.params.id, req.body)),
  );
  app.post(
    '/bonus-plans/:id/steps/reorder',
    { config: WRITE, schema: { tags, params: PlanParams, body: ReorderStepsBody, response: { 200: StepList } } },
    (req) => service.reorderSteps(caller(req), req.params.id, req.body),
  );
  app.patch(
    '/bonus-plans/:id/steps/:stepId',
    { config: WRITE, schema: { tags, params: StepParams, body: PatchStepBody, response: { 200: Step } } },
    (req) => service.patchStep(caller(req), req.params.id, req.params.stepId, req.body),
  );
  app.delete('/bonus-plans/:id/steps/:stepId', { config: WRITE, schema: { tags, params: StepParams } }, async (req, reply) => {
    await service.deleteStep(caller(req), req.params.id, req.params.stepId);
    return reply.code(204).send();
  });

  // ---- pools
  app.get('/bonus-plans/:id/pools', { config: READ, schema: { tags, params: PlanParams, response: { 200: PoolList } } }, (req) =>
    service.listPools(caller(req), req.params.id),
  );
  app.post(
    '/bonus-plans/:id/pools',
    { config: WRITE, schema: { tags, params: PlanParams, body: CreatePoolBody, response: { 201: Pool } } },
    async (req, reply) => reply.code(201).send(await service.createPool(caller(req), req.params.id, req.body)),
  );
  app.patch(
    '/bonus-plans/:id/pools/:poolId',
    { config: WRITE, schema: { tags, params: PoolParams, body: PatchPoolBody, response: { 200: Pool } } },
    (req) => service.patchPool(caller(req), req.params.id, req.params.poolId, req.body),
  );
  app.delete('/bonus-plans/:id/pools/:poolId', { config: WRITE, schema: { tags, params: PoolParams } }, async (req, reply) => {
    await service.deletePool(caller(req), req.params.id, req.params.poolId);
    return reply.code(204).send();
  });

  // ---- analysis
  app.post(
    '/bonus-plans/:id/validate',
    { config: READ, schema: { tags, params: PlanParams, body: Empty, response: { 200: ValidateResponse } } },
    (req) => service.validatePlan(caller(req), req.params.id),
  );
  app.post(
    '/bonus-plans/:id/evaluate',
    { config: READ, schema: { tags, params: PlanParams, body: EvaluateBody, response: { 200: EvaluateResponse } } },
    (req) => service.evaluatePlan(caller(req), req.params.id, req.body),
  );
  app.get('/bonus-plans/:id/diff/:otherId', { config: READ, schema: { tags, params: PlanDiffParams, response: { 200: PlanDiff } } }, (req) =>
    service.diffPlans(caller(req), req.params.id, req.params.otherId),
  );
  app.get('/engine/functions', { config: READ, schema: { tags, response: { 200: EngineFunctions } } }, (req) => {
    requireAuth(req);
    return service.listEngineFunctions();
  });
}
