import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAuth, requireTenant } from '../core/auth-context';
import { ApprovalErrors } from './errors';
import {
  ApprovalInstance,
  ApprovalList,
  ApprovalListQuery,
  ApprovalParams,
  CreatePolicyBody,
  DecideBody,
  Policy,
  SubmitBody,
  PolicyList,
  TenantParams,
} from './schema';
import type { ApprovalContext } from './service/context';
import type { ApprovalsService } from './service';

const READ = { permission: 'approvals.read' };
const DECIDE = { permission: 'approvals.decide' };
const MANAGE = { permission: 'approvals.manage' };
const SUBMIT = { permission: 'approvals.submit' };

/** The caller in `{tid}`, which must be the session's tenant (another tenant is simply not found). */
function caller(request: FastifyRequest, tid: string): ApprovalContext {
  const tenantId = requireTenant(request);
  const auth = requireAuth(request);
  if (tenantId !== tid.toLowerCase()) throw ApprovalErrors.tenantNotFound(tid);
  return {
    tenantId,
    actor: auth.actor,
    actorId: auth.kind === 'user' ? auth.userId : null,
    roles: auth.roles,
    requestId: String(request.id),
    ip: request.ip,
  };
}

/** Routes of the approvals API under /api/v1. Thin: parse (zod), call the service, answer. */
export async function approvalsRoutes(appRaw: FastifyInstance, { service }: { service: ApprovalsService }): Promise<void> {
  const app = appRaw.withTypeProvider<ZodTypeProvider>();
  const tags = ['approvals'];

  app.get('/tenants/:tid/approval-policies', { config: READ, schema: { tags, params: TenantParams, response: { 200: PolicyList } } }, async (req) => ({
    data: await service.listPolicies(caller(req, req.params.tid)),
  }));
  app.post(
    '/tenants/:tid/approval-policies',
    { config: MANAGE, schema: { tags, params: TenantParams, body: CreatePolicyBody, response: { 201: Policy } } },
    async (req, reply) => reply.code(201).send(await service.createPolicy(caller(req, req.params.tid), req.body)),
  );
  app.get(
    '/tenants/:tid/approvals',
    { config: READ, schema: { tags, params: TenantParams, querystring: ApprovalListQuery, response: { 200: ApprovalList } } },
    (req) => service.listApprovals(caller(req, req.params.tid), req.query),
  );
  app.post(
    '/tenants/:tid/approvals',
    { config: SUBMIT, schema: { tags, params: TenantParams, body: SubmitBody, response: { 201: ApprovalInstance } } },
    async (req, reply) => reply.code(201).send(await service.submit(caller(req, req.params.tid), req.body)),
  );
  app.get('/tenants/:tid/approvals/:id', { config: READ, schema: { tags, params: ApprovalParams, response: { 200: ApprovalInstance } } }, (req) =>
    service.getApproval(caller(req, req.params.tid), req.params.id),
  );
  app.post(
    '/tenants/:tid/approvals/:id/decisions',
    { config: DECIDE, schema: { tags, params: ApprovalParams, body: DecideBody, response: { 201: ApprovalInstance } } },
    async (req, reply) => reply.code(201).send(await service.decide(caller(req, req.params.tid), req.params.id, req.body)),
  );
}
