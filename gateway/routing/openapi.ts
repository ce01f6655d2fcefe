import { badRequest } from '../../modules/core/errors';
import { routeKey } from '../../modules/core/route-key';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** One legacy operation found in an OpenAPI document. */
export interface ImportedRoute {
  key: string;
  method: string;
  path: string;
  summary: string | null;
  tags: string[];
}

export { parseRouteKey, routeKey } from '../../modules/core/route-key';

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
