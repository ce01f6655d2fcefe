import { pipeline } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { captureModuleResponse, type ModuleContext, type ModuleRequest, type ModuleResponse } from '../../modules/core/module';
import { isSmallBody, sendSmallBody } from '../proxy';
import { BodyTee, copyHeaders } from './capture';
import { canaryIdentity, onNewSide } from './canary';
import type { ServingModule } from './route-table';
import type { ShadowPort, ShadowRules, ShadowSample } from './shadow-port';
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
  /** The HTTP shadow, when one is wired in (without it shadow answers as legacy, new unshadowed). */
  shadow: ShadowPort | undefined;
}

/** How one route mode answers a request. */
export type DispatchStrategy = (ctx: DispatchContext) => Promise<unknown>;

/** legacy: the legacy service answers, byte-transparently. */
export const dispatchLegacy: DispatchStrategy = async ({ reply, body }) => reply.proxyLegacy({ body });

/** new: the hosted module answers. */
export const dispatchNew: DispatchStrategy = async (ctx) => {
  const res = await ctx.serving.handler(toModuleRequest(ctx), ctx.moduleContext);
  return sendModuleResponse(ctx.reply, res);
};

/**
 * shadow: legacy answers, byte-transparently; its answer is teed (capped) on the way to the client
 * and, once the response has finished, a copy of the request and of that answer is handed to the
 * shadow port, which runs the module and diffs off the request path. Nothing
 * here waits for, or can be failed by, the shadow side: `submit`/`skip` never throw or block.
 */
export const dispatchShadow: DispatchStrategy = async (ctx) => {
  const { request, reply, routeKey, shadow } = ctx;
  if (!shadow) return dispatchLegacy(ctx);
  const plan = planShadow(ctx, shadow);
  if (!plan) return dispatchLegacy(ctx);
  const cap = request.server.config.SHADOW_BODY_CAP_BYTES;
  const started = performance.now();
  // The durable ledger entry is written while legacy answers; the answer goes out only once it is
  // there (bounded), so a crash after the client got its answer always finds the sample counted.
  // Written just after the request to legacy is on its way (ADR 0031): its Redis write (a socket
  // write, ~0.1-0.8 ms of this thread) overlaps legacy's work instead of delaying the request.
  const ledger: { reserved?: Promise<boolean> } = {};
  const settle = settleOnce(reply, () => shadow.skip(routeKey, 'primary_failed', 'legacy', plan.request.requestId));
  const answered = reply.proxyLegacy({
    body: ctx.body,
    onResponse: (req, rep, res) =>
      void (ledger.reserved ?? Promise.resolve(false)).then((ok) => {
        if (!ok) settle(() => shadow.skip(routeKey, 'ledger_unavailable', 'legacy', plan.request.requestId));
        if (isSmallBody(req, res, cap)) {
          // The usual JSON answer: sent whole, in one write, exactly as mode legacy sends it; the
          // shadow keeps a reference to those bytes (no tee stream on the response path).
          let body: Buffer | undefined;
          let endedAt = 0;
          settle.onFinish(() => {
            if (!body) return shadow.skip(routeKey, 'primary_failed', 'legacy', plan.request.requestId);
            shadow.submit({ ...plan, primary: { status: res.statusCode, headers: definedHeaders(res.headers), body, over: false, ms: endedAt - started } });
          });
          return sendSmallBody(req, rep, res.stream, (bytes) => {
            body = bytes;
            endedAt = performance.now();
          });
        }
        const tee = new BodyTee(cap);
        pipeline(res.stream, tee, () => undefined);
        settle.onFinish(() => {
          if (!tee.ended) return shadow.skip(routeKey, 'primary_failed', 'legacy', plan.request.requestId);
          shadow.submit({
            ...plan,
            primary: { status: res.statusCode, headers: definedHeaders(res.headers), body: tee.body(), over: tee.over, ms: tee.endedAt - started },
          });
        });
        rep.send(tee);
      }),
  });
  ledger.reserved = shadow.reserve(routeKey, plan.request.requestId, 'legacy');
  return answered;
};

/**
 * Exactly one ending for a reserved sample: `onFinish`'s callback when the response finished, else
 * `otherwise` when it closed unfinished (legacy failed, client gone). Calling the returned
 * function itself settles now (a sample skipped before the answer went out).
 */
function settleOnce(reply: FastifyReply, otherwise: () => void): ((now: () => void) => void) & { onFinish(fn: () => void): void } {
  let done = false;
  let finished: (() => void) | undefined;
  const once = (fn: () => void) => {
    if (done) return;
    done = true;
    fn();
  };
  reply.raw.once('finish', () => once(finished ?? otherwise));
  reply.raw.once('close', () => once(reply.raw.writableFinished && finished ? finished : otherwise));
  return Object.assign(once, { onFinish: (fn: () => void) => void (finished = fn) });
}

/**
 * Fraction of reverse-shadowable requests replayed to legacy. Reads in `new`: the route already
 * passed its parity gate, so only a trickle keeps checking for drift (the route's
 * reverseSampleRate, else the smaller of its sampleRate and SHADOW_REVERSE_SAMPLE_RATE). On the
 * module side of `canary` parity is still being gathered, and a dual-write keeps legacy's data in
 * step, so those follow the route's sampleRate (default 1) as before.
 */
export function reverseSampleRate(rules: ShadowRules, mode: 'new' | 'canary', write: boolean, configured: number): number {
  if (mode === 'canary' || write) return rules.sampleRate;
  return rules.reverseSampleRate ?? Math.min(rules.sampleRate, configured);
}

/**
 * new: the module answers; its answers count towards the route's error budget (auto-rollback),
 * and a sample of the GETs (or what the route's `normalise.reverseShadow` says) is shadowed to
 * legacy after the response finished, while legacy still exists (see reverseSampleRate).
 */
export const dispatchNewShadowed: DispatchStrategy = async (ctx) => answerFromModule(ctx, 'new');

async function answerFromModule(ctx: DispatchContext, mode: 'new' | 'canary'): Promise<unknown> {
  const { request, reply, routeKey, shadow } = ctx;
  if (!shadow) return dispatchNew(ctx);
  const route = request.server.routeTable.find(routeKey);
  const version = route?.version ?? 0;
  const started = performance.now();
  let res: ModuleResponse;
  try {
    res = await ctx.serving.handler(toModuleRequest(ctx), ctx.moduleContext);
  } catch (err) {
    shadow.recordServed(routeKey, version, 500);
    throw err;
  }
  shadow.recordServed(routeKey, version, res.status);
  if (route) {
    const rules = shadow.rulesFor(route);
    // Sampled: on a hot read, replaying every GET to legacy costs legacy (and fig) more than the
    // read itself (bench/results/module-read.md).
    const rate = reverseSampleRate(rules, mode, isWrite(request.method), request.server.config.SHADOW_REVERSE_SAMPLE_RATE);
    const reverse =
      reverseShadowOn(rules, request.method) &&
      (!isWrite(request.method) || route.write_policy === 'dual-write') &&
      (rate >= 1 || Math.random() < rate);
    if (reverse && !(ctx.body && ctx.body.length > request.server.config.SHADOW_BODY_CAP_BYTES)) {
      const captured = captureModuleResponse(res, performance.now() - started, request.server.config.SHADOW_BODY_CAP_BYTES);
      const job: ShadowSample = { routeKey, writePolicy: route.write_policy, rules, primarySide: 'new', request: requestCopy(ctx), primary: captured };
      const settle = settleOnce(reply, () => shadow.skip(routeKey, 'primary_failed', 'new', job.request.requestId));
      // As in dispatchShadow: the ledger entry exists before the answer goes out.
      if (await shadow.reserve(routeKey, job.request.requestId, 'new')) settle.onFinish(() => shadow.submit(job));
      else settle(() => shadow.skip(routeKey, 'ledger_unavailable', 'new', job.request.requestId));
    }
  }
  return sendModuleResponse(reply, res);
}

/**
 * canary: a stable hash of who is calling (tenant, else the legacy_session cookie, else the client
 * IP) under the route's pinned seed picks a bucket 0..9999; buckets below canaryPercent*100 get
 * the module (reverse-shadowed to legacy), the rest get legacy (shadowed to the module).
 */
export const dispatchCanary: DispatchStrategy = async (ctx) => {
  const { request, routeKey } = ctx;
  const route = request.server.routeTable.find(routeKey);
  if (!route) return dispatchLegacy(ctx);
  const identity = canaryIdentity({ tenantId: request.auth?.tenantId, cookie: request.headers.cookie, ip: request.ip });
  if (onNewSide(route.canary_seed, identity, route.canary_percent)) return answerFromModule(ctx, 'canary');
  return dispatchShadow(ctx);
};

/** One strategy per mode. */
export const strategies: Record<RouteMode, DispatchStrategy> = {
  legacy: dispatchLegacy,
  shadow: dispatchShadow,
  canary: dispatchCanary,
  new: dispatchNewShadowed,
};

/** Whether a method writes (anything but GET/HEAD/OPTIONS). */
const isWrite = (method: string): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());

/** Reverse shadow applies: explicit rule, else on for GET only. */
const reverseShadowOn = (rules: ShadowRules, method: string): boolean => rules.reverseShadow ?? !isWrite(method);

/** What the shadow needs of a legacy-answered request, or undefined when it is not shadowed (counted skipped where that matters). */
function planShadow(ctx: DispatchContext, shadow: ShadowPort): Omit<ShadowSample, 'primary'> | undefined {
  const { request, routeKey } = ctx;
  const route = request.server.routeTable.find(routeKey);
  if (!route) return undefined;
  const rules = shadow.rulesFor(route);
  if (rules.sampleRate < 1 && Math.random() >= rules.sampleRate) return undefined;
  const requestId = String(request.id);
  if (isWrite(request.method) && route.write_policy === 'skip') {
    shadow.skip(routeKey, 'write_policy_skip', 'legacy', requestId);
    return undefined;
  }
  if (ctx.body && ctx.body.length > request.server.config.SHADOW_BODY_CAP_BYTES) {
    shadow.skip(routeKey, 'body_over_cap', 'legacy', requestId);
    return undefined;
  }
  return { routeKey, writePolicy: route.write_policy, rules, primarySide: 'legacy', request: requestCopy(ctx), handler: ctx.serving.handler };
}

function requestCopy(ctx: DispatchContext): ShadowSample['request'] {
  const { request } = ctx;
  return {
    method: request.method,
    url: request.url,
    headers: copyHeaders(request.headers),
    body: ctx.body,
    params: { ...((request.params ?? {}) as Record<string, string>) },
    query: { ...((request.query ?? {}) as Record<string, string | string[]>) },
    requestId: String(request.id),
    tenantId: request.auth?.tenantId,
  };
}

function definedHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = v;
  return out;
}

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
