import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, TEST_ADMIN_TOKEN } from '../../../test/helpers';
import { loginAs } from '../../../test/auth';
import { findOrganisationAsOwner } from '../../tenancy/index';

/*
 * ADR 0027's rule, over every route the app registers (read from Fastify's own router, not from a
 * list kept by hand): a route under /api/v1/portal/ accepts a portal token and refuses every
 * internal one (user or admin token); every other route — fig's own, legacy-dispatched, the proxy
 * catch-all, static files, health — refuses a portal token before its handler runs.
 */

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type Method = (typeof METHODS)[number];

/**
 * Every (method, path) in `printRoutes({ commonPrefix: false })`: a tree drawn with 4 columns per
 * level, each node a path piece after its parent's and, when a route ends there, its methods.
 */
export function registeredRoutes(tree: string): { method: Method; url: string }[] {
  const out: { method: Method; url: string }[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, -]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const piece = m[2]!;
    stack.push(piece);
    const url = stack.join('').replace(/^\*/, '/*');
    for (const method of (m[3] ?? '').split(', ').filter(Boolean))
      if ((METHODS as readonly string[]).includes(method)) out.push({ method: method as Method, url });
  }
  return out;
}

let app: FastifyInstance;
let tenantId: string;
let slug: string;
let portalToken: string;
let staffToken: string;

beforeAll(async () => {
  ({ app } = await buildTestApp({ RATE_LIMIT_WRITES_PER_MIN: '100000', RATE_LIMIT_AUTH_PER_MIN: '100000' }));
  const staff = await loginAs(app, { roles: ['admin'] });
  tenantId = staff.tenantId;
  staffToken = staff.token;
  slug = (await findOrganisationAsOwner(app.db, tenantId))!.slug;
  portalToken = app.accessTokens.signPortal(
    { sub: 'contact:1', tid: tenantId, cid: 1, email: 'c@customer.test', lid: 1 },
    600,
  );
});
afterAll(() => app?.close());

const concrete = (url: string) =>
  url
    .replace(':tid', tenantId)
    .replace(':slug', slug)
    .replace(/:[A-Za-z]+(\([^)]*\))?/g, '1')
    .replace(/\*$/, 'x');

async function call(method: Method, url: string, token: string) {
  const res = await app.inject({
    method,
    url: concrete(url),
    headers: { authorization: `Bearer ${token}` },
    ...(method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? {} : { payload: {} }),
  });
  const code = method === 'HEAD' || !res.body ? undefined : (res.json() as { code?: string }).code;
  return { status: res.statusCode, code };
}

describe('portal and internal tokens over all registered routes', () => {
  it('reads the route table from Fastify: the portal routes and the rest are all there', () => {
    const routes = registeredRoutes(app.printRoutes({ commonPrefix: false }));
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /api/v1/portal/:slug/magic-links',
        'GET /api/v1/portal/:slug/invoices/:id/pdf',
        'GET /api/v1/tenants/:tid/apar/invoices',
        'POST /api/v1/auth/login',
        'GET /healthz',
        'GET /api/v1/invoices',
        'DELETE /*',
      ]),
    );
    expect(routes.length).toBeGreaterThan(150);
  });

  it('refuses a portal token on every route outside /api/v1/portal/, and accepts it on every portal route', async () => {
    const wrong: string[] = [];
    let portal = 0;
    for (const { method, url } of registeredRoutes(app.printRoutes({ commonPrefix: false }))) {
      const got = await call(method, url, portalToken);
      if (url.startsWith('/api/v1/portal/')) {
        portal++;
        if (got.status === 401 || got.status === 403)
          wrong.push(`${method} ${url}: portal token → ${got.status} ${got.code}`);
      } else if (got.status !== 403 || (method !== 'HEAD' && got.code !== 'FIG_PORTAL_TOKEN_REFUSED'))
        wrong.push(`${method} ${url}: portal token → ${got.status} ${got.code}`);
    }
    expect(wrong).toEqual([]);
    expect(portal).toBeGreaterThanOrEqual(10);
  });

  it('refuses every internal token (a user’s, the admin token) on every portal route', async () => {
    const wrong: string[] = [];
    const portalRoutes = registeredRoutes(app.printRoutes({ commonPrefix: false })).filter((r) =>
      r.url.startsWith('/api/v1/portal/'),
    );
    for (const { method, url } of portalRoutes) {
      for (const [who, token] of [
        ['user', staffToken],
        ['admin-token', TEST_ADMIN_TOKEN],
      ] as const) {
        const got = await call(method, url, token);
        if (got.status !== 403 || (method !== 'HEAD' && got.code !== 'FIG_PORTAL_ROUTE'))
          wrong.push(`${method} ${url}: ${who} → ${got.status} ${got.code}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(portalRoutes.length).toBeGreaterThanOrEqual(10);
  });
});
