import { badRequest } from './errors';

/**
 * Legacy route keys ('GET /api/v1/invoices/{id}') name a route everywhere: the gateway's route
 * table, the modules' `serves` contract and the shadow's stats, corpus and gates.
 */

/** Route key of a method and an OpenAPI path template: 'GET /api/v1/invoices/{id}'. */
export const routeKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

/** Split a route key into method and path template; throws a 400 problem on a malformed key. */
export function parseRouteKey(key: string): { method: string; path: string } {
  const m = /^([A-Z]+) (\/\S*)$/.exec(key);
  if (!m) throw badRequest(`Not a route key: ${JSON.stringify(key)} (expected "METHOD /path/template")`, [], 'FIG_BAD_ROUTE_KEY');
  return { method: m[1]!, path: m[2]! };
}
