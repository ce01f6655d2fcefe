import { badRequest } from '../../modules/core/errors';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** One legacy operation found in an OpenAPI document. */
export interface ImportedRoute {
  key: string;
  method: string;
  path: string;
  summary: string | null;
  tags: string[];
}

/** Route key of a method and an OpenAPI path template: 'GET /api/v1/invoices/{id}'. */
export const routeKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

/** Split a route key into method and path template; throws a 400 problem on a malformed key. */
export function parseRouteKey(key: string): { method: string; path: string } {
  const m = /^([A-Z]+) (\/\S*)$/.exec(key);
  if (!m) throw badRequest(`Not a route key: ${JSON.stringify(key)} (expected "METHOD /path/template")`, [], 'FIG_BAD_ROUTE_KEY');
  return { method: m[1]!, path: m[2]! };
}

/** OpenAPI `{id}` path template → Fastify `:id` route path. */
export function toFastifyPath(template: string): string {
  return template.replace(/\{([^}/]+)\}/g, (_m, name: string) => `:${name.replace(/[^A-Za-z0-9_]/g, '_')}`);
}

/** Every operation of an OpenAPI 3 document, one per `METHOD /path`, sorted by key. */
export function operationsOf(doc: unknown): ImportedRoute[] {
  const paths = (doc as { paths?: unknown } | null)?.paths;
  if (!paths || typeof paths !== 'object' || Array.isArray(paths)) {
    throw badRequest('The OpenAPI document has no "paths" object', [{ path: 'body.openapi.paths', message: 'is required' }], 'FIG_BAD_OPENAPI');
  }
  const out: ImportedRoute[] = [];
  for (const [path, item] of Object.entries(paths as Record<string, unknown>)) {
    if (!path.startsWith('/') || !item || typeof item !== 'object') continue;
    for (const method of METHODS) {
      const op = (item as Record<string, unknown>)[method] as { summary?: unknown; operationId?: unknown; tags?: unknown } | undefined;
      if (!op || typeof op !== 'object') continue;
      const summary = typeof op.summary === 'string' ? op.summary : typeof op.operationId === 'string' ? op.operationId : null;
      const tags = Array.isArray(op.tags) ? op.tags.filter((t): t is string => typeof t === 'string') : [];
      out.push({ key: routeKey(method, path), method: method.toUpperCase(), path, summary, tags });
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}
