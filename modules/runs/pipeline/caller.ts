import type { FastifyRequest } from 'fastify';
import { requireAuth, requireTenant } from '../../core/auth-context';
import { RunErrors } from './errors';
import type { Caller } from './service/context';

/** The caller, after checking `{tid}` is the session's tenant (another tenant is simply not found). */
export function callerOf(request: FastifyRequest, tid: string): Caller {
  const tenantId = requireTenant(request);
  const auth = requireAuth(request);
  if (tenantId !== tid.toLowerCase()) throw RunErrors.tenantNotFound(tid);
  return { tenantId, actor: auth.actor, actorId: auth.userId, requestId: String(request.id), ip: request.ip };
}
