import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildTestApp, TEST_ADMIN_TOKEN } from '../../test/helpers';
import { createUserWithRoles, loginAs } from '../../test/auth';

const ROLES = ['admin', 'hr', 'manager', 'finance', 'auditor', 'readonly'];

const problem = (res: LightMyRequestResponse) => {
  const { instance: _i, request_id: _r, ...rest } = res.json() as Record<string, unknown>;
  return rest;
};

let app: FastifyInstance;
let config: Awaited<ReturnType<typeof buildTestApp>>['config'];
beforeAll(async () => {
  ({ app, config } = await buildTestApp({
    RATE_LIMIT_WRITES_PER_MIN: '100000',
    RATE_LIMIT_AUTH_PER_MIN: '100000',
  }));
});
afterAll(() => app.close());

describe('permission guard over the route registry', () => {
  it('registers the guarded routes of every hosted module', () => {
    const keys = app.guardedRoutes.map((r) => `${r.method} ${r.url}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /api/v1/audit-events',
        'PUT /api/v1/tenants/:tid/members/:userId/roles',
        'POST /api/v1/tenants/:tid/invitations',
      ]),
    );
  });

  it('gives every role 403 exactly on the routes whose permission it lacks (table from the seed)', async () => {
    const tenantId = (await loginAs(app, { roles: ['admin'] })).tenantId;
    const tokens: Record<string, Record<string, string>> = {};
    for (const role of ROLES) tokens[role] = (await loginAs(app, { roles: [role], tenantId })).headers;
    // ops is a platform role: granted to the user, not in the tenant.
    tokens['platform ops'] = (await loginAs(app, { roles: [], platformRoles: ['ops'], tenantId })).headers;
    tokens['admin-token'] = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    const allowed = (role: string, permission: string) =>
      role === 'admin-token'
        ? ['routes.read', 'routes.flip', 'routes.override', 'parity.read'].includes(permission) ||
          app.rbac.permissionsFor([], ['ops']).has(permission)
        : role === 'platform ops'
          ? app.rbac.permissionsFor([], ['ops']).has(permission)
          : app.rbac.permissionsFor([role]).has(permission);
    const mismatches: string[] = [];
    for (const route of app.guardedRoutes) {
      const url = route.url
        .replace(':tid', tenantId)
        .replace(/:[A-Za-z]+/g, () => randomUUID())
        .replace('*', 'x');
      const anon = await app.inject({
        method: route.method as 'GET',
        url,
        ...(route.method === 'GET' ? {} : { payload: {} }),
      });
      if (anon.statusCode !== 401)
        mismatches.push(`${route.method} ${route.url} anonymous → ${anon.statusCode}`);
      for (const [role, headers] of Object.entries(tokens)) {
        const res = await app.inject({
          method: route.method as 'GET',
          url,
          headers,
          ...(route.method === 'GET' ? {} : { payload: {} }),
        });
        const expected = allowed(role, route.permission) ? 'not 403' : '403';
        const got = res.statusCode === 403 ? '403' : 'not 403';
        if (expected !== got)
          mismatches.push(
            `${route.method} ${route.url} as ${role}: expected ${expected}, got ${res.statusCode}`,
          );
        if (got === '403')
          expect(problem(res)).toEqual({
            type: 'https://fig.dev/problems/fig-forbidden',
            title: 'Forbidden',
            status: 403,
            detail: `This action needs the permission ${route.permission}`,
            code: 'FIG_FORBIDDEN',
          });
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('cross-tenant access (IDOR)', () => {
  it('answers 404, identical to a random id, on every ID-bearing tenancy route', async () => {
    const a = await loginAs(app, { roles: ['admin'] });
    const b = await loginAs(app, { roles: ['admin'] });
    const bMember = await createUserWithRoles(app, { tenantId: b.tenantId, roles: ['hr'] });
    const inv = await app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${b.tenantId}/invitations`,
      headers: b.headers,
      payload: { email: 'victim@test.fig', roles: ['hr'] },
    });
    const bInvitation = inv.json().id as string;
    const random = randomUUID();
    const cases: Array<[string, string, string, object | undefined]> = [
      ['GET', `/api/v1/tenants/${b.tenantId}/members`, `/api/v1/tenants/${random}/members`, undefined],
      [
        'GET',
        `/api/v1/tenants/${b.tenantId}/invitations`,
        `/api/v1/tenants/${random}/invitations`,
        undefined,
      ],
      [
        'POST',
        `/api/v1/tenants/${b.tenantId}/invitations`,
        `/api/v1/tenants/${random}/invitations`,
        { email: 'x@test.fig', roles: ['hr'] },
      ],
      [
        'PUT',
        `/api/v1/tenants/${b.tenantId}/members/${bMember.userId}/roles`,
        `/api/v1/tenants/${random}/members/${random}/roles`,
        { roles: ['admin'] },
      ],
      [
        'PUT',
        `/api/v1/tenants/${a.tenantId}/members/${bMember.userId}/roles`,
        `/api/v1/tenants/${a.tenantId}/members/${random}/roles`,
        { roles: ['admin'] },
      ],
      [
        'DELETE',
        `/api/v1/tenants/${a.tenantId}/members/${bMember.userId}`,
        `/api/v1/tenants/${a.tenantId}/members/${random}`,
        undefined,
      ],
      [
        'DELETE',
        `/api/v1/tenants/${b.tenantId}/members/${bMember.userId}`,
        `/api/v1/tenants/${random}/members/${bMember.userId}`,
        undefined,
      ],
      [
        'DELETE',
        `/api/v1/tenants/${a.tenantId}/invitations/${bInvitation}`,
        `/api/v1/tenants/${a.tenantId}/invitations/${random}`,
        undefined,
      ],
    ];
    for (const [method, foreign, missing, payload] of cases) {
      const res = await app.inject({
        method: method as 'GET',
        url: foreign,
        headers: a.headers,
        ...(payload ? { payload } : {}),
      });
      const ref = await app.inject({
        method: method as 'GET',
        url: missing,
        headers: a.headers,
        ...(payload ? { payload } : {}),
      });
      expect({ method, foreign, status: res.statusCode }).toEqual({ method, foreign, status: 404 });
      expect(problem(res)).toEqual(problem(ref));
    }
    // Nothing changed in B.
    const members = await app.inject({ url: `/api/v1/tenants/${b.tenantId}/members`, headers: b.headers });
    expect(members.json().data.find((m: { userId: string }) => m.userId === bMember.userId).roles).toEqual([
      'hr',
    ]);
    const invs = await app.inject({ url: `/api/v1/tenants/${b.tenantId}/invitations`, headers: b.headers });
    expect(invs.json().data[0]).toMatchObject({ id: bInvitation, status: 'pending' });
    // Audit trails stay apart.
    const aEvents = await app.inject({ url: '/api/v1/audit-events?limit=200', headers: a.headers });
    expect(aEvents.json().data.every((e: { tenantId: string }) => e.tenantId === a.tenantId)).toBe(true);
  });
});

describe('row-level security at the SQL level', () => {
  async function asApp<T>(tenantId: string | null, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: config.DATABASE_URL });
    await c.connect();
    try {
      await c.query('begin');
      await c.query('set local role fig_app');
      if (tenantId) await c.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
      return await fn(c);
    } finally {
      await c.query('rollback').catch(() => undefined);
      await c.end();
    }
  }

  it('shows the app role nothing of another tenant, and nothing at all without a tenant', async () => {
    const a = await loginAs(app, { roles: ['admin'] });
    const b = await loginAs(app, { roles: ['admin'] });
    await app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${a.tenantId}/invitations`,
      headers: a.headers,
      payload: { email: 'rls@test.fig', roles: ['hr'] },
    });
    const tables = [
      'tenancy.memberships',
      'tenancy.user_role_assignments',
      'tenancy.invitations',
      'audit.events',
    ];
    for (const t of tables) {
      const own = await asApp(a.tenantId, (c) =>
        c.query(`select count(*)::int as n from ${t} where tenant_id = $1`, [a.tenantId]),
      );
      const other = await asApp(b.tenantId, (c) =>
        c.query(`select count(*)::int as n from ${t} where tenant_id = $1`, [a.tenantId]),
      );
      const none = await asApp(null, (c) => c.query(`select count(*)::int as n from ${t}`));
      expect({ t, own: own.rows[0].n > 0, other: other.rows[0].n, none: none.rows[0].n }).toEqual({
        t,
        own: true,
        other: 0,
        none: 0,
      });
    }
    // Users are visible only as members of the current tenant; never their password hash.
    const users = await asApp(b.tenantId, (c) =>
      c.query(`select id from identity.users where id = $1`, [a.userId]),
    );
    expect(users.rowCount).toBe(0);
    await expect(
      asApp(a.tenantId, (c) => c.query(`select password_hash from identity.users`)),
    ).rejects.toThrow(/permission denied/);
    await expect(asApp(a.tenantId, (c) => c.query(`select * from identity.user_sessions`))).rejects.toThrow(
      /permission denied/,
    );
    // Writing a row for another tenant is refused by the policy's WITH CHECK.
    await expect(
      asApp(b.tenantId, (c) =>
        c.query(`insert into tenancy.memberships (tenant_id, user_id) values ($1, $2)`, [
          a.tenantId,
          b.userId,
        ]),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('every table with a tenant_id column has RLS enabled and forced and a policy', async () => {
    const { rows } = await new pg.Pool({ connectionString: config.DATABASE_URL, max: 1 }).query<{
      table: string;
      rls: boolean;
      forced: boolean;
      policies: number;
    }>(`
      select format('%I.%I', n.nspname, c.relname) as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
             (select count(*)::int from pg_policies p where p.schemaname = n.nspname and p.tablename = c.relname) as policies
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
      order by 1`);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const offenders = rows.filter((r) => !r.rls || !r.forced || r.policies === 0);
    expect(offenders).toEqual([]);
  });
});

describe('rate limits', () => {
  it('limits /api/v1/auth/* and guarded writes per IP, but never legacy-proxied traffic', async () => {
    const { app: limited } = await buildTestApp({
      RATE_LIMIT_AUTH_PER_MIN: '2',
      RATE_LIMIT_WRITES_PER_MIN: '2',
    });
    try {
      const login = () =>
        limited.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'nobody@test.fig', password: 'nope-nope-nope' },
        });
      expect((await login()).statusCode).toBe(401);
      expect((await login()).statusCode).toBe(401);
      const third = await login();
      expect(third.statusCode).toBe(429);
      expect(problem(third)).toEqual({
        type: 'https://fig.dev/problems/fig-rate-limited',
        title: 'Too Many Requests',
        status: 429,
        detail: 'Too many requests: at most 2 per minute; retry in 60 s',
        code: 'FIG_RATE_LIMITED',
      });
      const admin = await loginAs(limited, { roles: ['admin'] });
      const other = await createUserWithRoles(limited, { tenantId: admin.tenantId, roles: ['hr'] });
      const put = () =>
        limited.inject({
          method: 'PUT',
          url: `/api/v1/tenants/${admin.tenantId}/members/${other.userId}/roles`,
          headers: admin.headers,
          payload: { roles: ['hr'] },
        });
      expect((await put()).statusCode).toBe(200);
      expect((await put()).statusCode).toBe(200);
      expect((await put()).statusCode).toBe(429);
      // Reads are not limited.
      for (let i = 0; i < 4; i++)
        expect(
          (await limited.inject({ url: `/api/v1/tenants/${admin.tenantId}/members`, headers: admin.headers }))
            .statusCode,
        ).toBe(200);
      // Legacy-proxied writes go straight through (whatever legacy answers, never our 429).
      for (let i = 0; i < 4; i++) {
        const res = await limited.inject({
          method: 'POST',
          url: '/api/v1/no-such-legacy-route',
          payload: {},
        });
        expect(res.statusCode).not.toBe(429);
      }
    } finally {
      await limited.close();
    }
  });
});
