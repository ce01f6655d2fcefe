import type { FastifyContextConfig, FastifyRequest } from 'fastify';

/** A route's config as Fastify keeps it: the route options' config plus its url and method. */
export type RouteConfig = FastifyContextConfig & { url?: string; method?: string | string[] };

/** Fastify's per-request route context key, found on the first request (null: not found). */
let contextKey: symbol | null | undefined;

/**
 * The config of the route a request matched, read from the route context Fastify keeps on every
 * request. `request.routeOptions` builds a new object (and asks the router about version
 * constraints) on each access, which the hooks on the proxy path did several times per request;
 * this reads the same `config` object directly and falls back to routeOptions if Fastify ever
 * stops keeping the context under its `fastify.context` symbol.
 */
export function routeConfig(request: FastifyRequest): RouteConfig {
  if (contextKey === undefined) {
    contextKey = Object.getOwnPropertySymbols(request).find((s) => s.description === 'fastify.context') ?? null;
  }
  if (contextKey !== null) {
    const context = (request as unknown as Record<symbol, { config?: RouteConfig } | undefined>)[contextKey];
    if (context?.config) return context.config;
  }
  return request.routeOptions.config as RouteConfig;
}
