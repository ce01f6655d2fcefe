import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleContext, ModuleRequest, ModuleResponse } from '../../modules/core/module';
import type { ServingModule } from './route-table';
import type { RouteMode } from './tables';

/** Everything a mode strategy needs to answer one request on a served legacy route. */
export interface DispatchContext {
  request: FastifyRequest;
  reply: FastifyReply;
  routeKey: string;
  /** Raw request body bytes (served routes buffer the body, any content type). */
  body: Buffer | undefined;
  serving: ServingModule;
  moduleContext: ModuleContext;
}

/** How one route mode answers a request. Issue 7 replaces `shadow` and `canary`. */
export type DispatchStrategy = (ctx: DispatchContext) => Promise<unknown>;

/** legacy: the legacy service answers, byte-transparently. */
export const dispatchLegacy: DispatchStrategy = async ({ reply, body }) => reply.proxyLegacy({ body });

/** new: the hosted module answers. */
export const dispatchNew: DispatchStrategy = async (ctx) => {
  const res = await ctx.serving.handler(toModuleRequest(ctx), ctx.moduleContext);
  return sendModuleResponse(ctx.reply, res);
};

/**
 * One strategy per mode. Until issue 7 (shadow diffing, sticky canary) lands, `shadow` and
 * `canary` answer exactly like `legacy`: storing those modes is allowed, their behaviour is not
 * yet different, so flipping to them is always safe.
 */
export const strategies: Record<RouteMode, DispatchStrategy> = {
  legacy: dispatchLegacy,
  shadow: dispatchLegacy,
  canary: dispatchLegacy,
  new: dispatchNew,
};

/** The request as a module sees it (a copy: modules never touch Fastify objects). */
export function toModuleRequest(ctx: DispatchContext): ModuleRequest {
  const { request } = ctx;
  return {
    method: request.method,
    routeKey: ctx.routeKey,
    url: request.url,
    params: (request.params ?? {}) as Record<string, string>,
    query: (request.query ?? {}) as Record<string, string | string[]>,
    headers: request.headers,
    body: ctx.body,
    requestId: String(request.id),
    tenantId: request.auth?.tenantId,
  };
}

/** Send a module's answer: JSON unless the body is a Buffer or a string. */
export function sendModuleResponse(reply: FastifyReply, res: ModuleResponse): FastifyReply {
  reply.code(res.status);
  for (const [name, value] of Object.entries(res.headers ?? {})) reply.header(name, value);
  if (res.body === undefined || res.body === null) return reply.send();
  if (Buffer.isBuffer(res.body) || typeof res.body === 'string') return reply.send(res.body);
  if (!reply.hasHeader('content-type')) reply.type('application/json');
  return reply.send(JSON.stringify(res.body));
}
