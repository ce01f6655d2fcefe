import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from './db';
import type { Config } from './config';
import type { JobDefinition } from './jobs';

/**
 * A legacy route as a module answers it: a plain function of the request copy, so the same
 * handler serves `new` mode (its answer goes to the client) and `shadow` mode (its answer is
 * only diffed against legacy's, off the request path).
 */
export interface ModuleRequest {
  method: string;
  /** Route key this request matched, e.g. 'GET /api/v1/admin/revenue-bands'. */
  routeKey: string;
  /** Path as received, with query string. */
  url: string;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body bytes (undefined for no body). */
  body?: Buffer;
  requestId: string;
  /** Tenant resolved for the request, when one is known (JWT, or a legacy session mapping). */
  tenantId?: string;
  /** Aborted when the caller gives up (shadow queue timeout, client gone). */
  signal?: AbortSignal;
  /** For write policy `dry-run`: the module must not commit anything. */
  dryRun?: boolean;
  /**
   * Write policy `dual-write`, in shadow: what legacy answered to this same request (JSON body
   * parsed), so the module can write the same entity with the same id. Undefined otherwise.
   */
  legacyResponse?: { status: number; headers: Record<string, string | string[]>; body: unknown };
}

export interface ModuleResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  /** Serialised as JSON unless it is a Buffer or string. */
  body?: unknown;
}

/** An answer as the shadow compares it: status, headers and (capped) body bytes. */
export interface CapturedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** undefined when the body was over the cap. */
  body: Buffer | undefined;
  over: boolean;
  ms: number;
}

/**
 * A module answer as the bytes the gateway sends for it (JSON unless a Buffer or string),
 * capped; shared by dispatch (the module answered the client) and the shadow (it ran the module).
 */
export function captureModuleResponse(res: ModuleResponse, ms: number, cap: number): CapturedResponse {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers ?? {})) headers[k.toLowerCase()] = v;
  let body: Buffer | undefined;
  if (res.body === undefined || res.body === null) body = Buffer.alloc(0);
  else if (Buffer.isBuffer(res.body)) body = res.body;
  else if (typeof res.body === 'string') body = Buffer.from(res.body);
  else body = Buffer.from(JSON.stringify(res.body));
  const over = body.length > cap;
  return { status: res.status, headers, body: over ? undefined : body, over, ms };
}

/**
 * What the gateway hands a module's legacy route handler besides the request: the app's
 * shared clients (one per gateway instance, never module-level singletons).
 */
export interface ModuleContext {
  db: Db;
  redis: Redis;
  config: Config;
  log: FastifyBaseLogger;
  /**
   * Set on the shadow's calls (the answer is only diffed): CPU-heavy work should run at the lowest
   * priority, never in the workers primaries use (ADR 0031). Unset for answers a client gets.
   */
  background?: boolean;
}

export type LegacyRouteHandler = (req: ModuleRequest, ctx: ModuleContext) => Promise<ModuleResponse>;

/** What every module's index.ts exports for the gateway (see gateway/modules.ts). */
export interface FigModule {
  name: string;
  /** Registers the module's own routes (new APIs that legacy never had), under its prefix. */
  plugin?: FastifyPluginAsync<{ config: Config }>;
  /** Legacy route keys this module can answer, for the route table's `shadow`/`canary`/`new` modes. */
  serves?: Record<string, LegacyRouteHandler>;
  /** Per served route key, the largest request body to buffer when it differs from the app's (e.g. a legacy upload limit). */
  bodyLimits?: Record<string, number>;
  /** Background jobs this module defines; gateway/worker.ts runs them. */
  jobs?: JobDefinition[];
}
