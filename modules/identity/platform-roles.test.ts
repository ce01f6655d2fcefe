import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { buildTestApp, ownerDb, TEST_ADMIN_TOKEN } from '../../test/helpers';
import { createTestTenant, createUserWithRoles, loginAs, TEST_PASSWORD } from '../../test/auth';
import { withTenant } from '../core/db';
import { provisionUser, seedDemo, DEMO_PASSWORD, DEMO_TENANTS } from './index';
import { FolderProvider } from '../../migrations/migrator';
import { addMember } from '../tenancy/index';

const TENANT_ROLES = ['admin', 'hr', 'manager', 'finance', 'auditor', 'readonly'];

const problem = (res: LightMyRequestResponse) => {
  const { instance: _i, request_id: _r, ...rest } = res.json() as Record<string, unknown>;
  return rest;
};
const forbidden = (permission: string) => ({
  type: 'https://fig.dev/problems/fig-forbidden',
  title: 'Forbidden',
  status: 403,
  detail: `This action needs the permission ${permission}`,
  code: 'FIG_FORBIDDEN',
});
const platformRoleRefused = (path: string) => ({
  type: 'https://fig.dev/problems/fig-validation',
  title: 'Bad Request',
  status: 400,
  detail: '1 invalid field(s)',
  code: 'FIG_VALIDATION',
  errors: [
    {
      path,
      code: 'platform_role',
      message: 'ops is a platform role: only a platform operator grants it, never an organisation',
    },
  ],
});

let app: FastifyInstance;

beforeAll(async () => {
  ({ app } = await buildTestApp({
    RATE_LIMIT_WRITES_PER_MIN: '100000',
    RATE_LIMIT_AUTH_PER_MIN: '100000',
    AUTH_DEV_TOKENS: 'true',
  }));
});
afterAll(() => app?.close());

const login = (email: string, password = TEST_PASSWORD) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

/** Every place a user could end up holding `ops`: tenant assignments and platform grants. */
async function opsHoldings(userId: string) {
  const tenant = await app.db
    .selectFrom('tenancy.user_role_assignments')
    .select(['tenant_id', 'role_key'])
    .where('user_id', '=', userId)
    .where('role_key', '=', 'ops')
    .execute();
  const platform = await app.db
    .selectFrom('identity.platform_role_grants')
    .select('role_key')
    .where('user_id', '=', userId)
    .execute();
  return { tenant, platform };
}

describe('ops cannot be granted inside a tenant, on any role-granting path', () => {
  type Attempt = {
    path: string;
    /** Try to make `victim` an ops holder through this path; resolve to what the caller saw. */
    attempt: (ctx: {
      admin: Awaited<ReturnType<typeof loginAs>>;
      victim: { userId: string; email: string };
    }) => Promise<unknown>;
    /** What the caller must see. */
    refused: unknown;
  };
  const pgError = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (err: { code?: string; message?: string }) => ({ code: err.code, message: err.message }),
    );

  const paths: Attempt[] = [
    {
      path: 'invitation create (POST /api/v1/tenants/{tid}/invitations)',
      attempt: async ({ admin }) => {
        const res = await app.inject({
          method: 'POST',
          url: `/api/v1/tenants/${admin.tenantId}/invitations`,
          headers: admin.headers,
          payload: { email: `new-${randomBytes(3).toString('hex')}@test.fig`, roles: ['hr', 'ops'] },
        });
        return { status: res.statusCode, body: problem(res) };
      },
      refused: { status: 400, body: platformRoleRefused('body.roles[1]') },
    },
    {
      path: 'member role update (PUT /api/v1/tenants/{tid}/members/{userId}/roles)',
      attempt: async ({ admin, victim }) => {
        const res = await app.inject({
          method: 'PUT',
          url: `/api/v1/tenants/${admin.tenantId}/members/${victim.userId}/roles`,
          headers: admin.headers,
          payload: { roles: ['ops'] },
        });
        return { status: res.statusCode, body: problem(res) };
      },
      refused: { status: 400, body: platformRoleRefused('body.roles[0]') },
    },
    {
      path: 'invitation accept (an invitation carrying ops cannot exist to be accepted)',
      attempt: ({ admin, victim }) =>
        pgError(
          withTenant(app.db, admin.tenantId, (trx) =>
            trx
              .insertInto('tenancy.invitations')
              .values({
                tenant_id: admin.tenantId,
                email: victim.email,
                roles: ['ops'],
                token_hash: randomBytes(16).toString('hex'),
                invited_by_actor: admin.email,
                expires_at: new Date(Date.now() + 60_000),
              })
              .execute(),
          ),
        ),
      refused: { code: '23514', message: 'invitation role ops is not a tenant role' },
    },
    {
      path: 'invitation edit (a pending invitation cannot be changed to carry ops)',
      attempt: async ({ admin }) => {
        const inv = await app.inject({
          method: 'POST',
          url: `/api/v1/tenants/${admin.tenantId}/invitations`,
          headers: admin.headers,
          payload: { email: `edit-${randomBytes(3).toString('hex')}@test.fig`, roles: ['hr'] },
        });
        return pgError(
          withTenant(app.db, admin.tenantId, (trx) =>
            trx
              .updateTable('tenancy.invitations')
              .set({ roles: ['hr', 'ops'] })
              .where('id', '=', inv.json().id as string)
              .execute(),
          ),
        );
      },
      refused: { code: '23514', message: 'invitation role ops is not a tenant role' },
    },
    {
      path: 'membership write as the app role (tenancy addMember, used by invitation accept)',
      attempt: ({ admin, victim }) =>
        pgError(
          withTenant(app.db, admin.tenantId, (trx) => addMember(trx, admin.tenantId, victim.userId, ['ops'])),
        ),
      refused: {
        code: '23503',
        message:
          'insert or update on table "user_role_assignments" violates foreign key constraint "user_role_assignments_tenant_role_fkey"',
      },
    },
    {
      path: 'provisioning (identity provisionUser: demo seed, test set-up)',
      attempt: ({ admin, victim }) =>
        pgError(
          provisionUser(app.db, {
            email: victim.email,
            password: TEST_PASSWORD,
            tenantId: admin.tenantId,
            roles: ['ops'],
            actor: 'test',
          }),
        ),
      refused: {
        code: '23503',
        message:
          'insert or update on table "user_role_assignments" violates foreign key constraint "user_role_assignments_tenant_role_fkey"',
      },
    },
    {
      path: 'platform grant API called by a tenant admin (POST /_fig/platform/grants)',
      attempt: async ({ admin, victim }) => {
        const res = await app.inject({
          method: 'POST',
          url: '/_fig/platform/grants',
          headers: admin.headers,
          payload: { email: victim.email, role: 'ops', reason: 'I am the admin of my organisation' },
        });
        return { status: res.statusCode, body: problem(res) };
      },
      refused: { status: 403, body: forbidden('platform.roles.manage') },
    },
  ];

  it.each(paths.map((p) => [p.path, p] as const))('%s', async (_name, p) => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const victim = await createUserWithRoles(app, { tenantId: admin.tenantId, roles: ['readonly'] });
    expect(await p.attempt({ admin, victim })).toEqual(p.refused);
    expect(await opsHoldings(victim.userId)).toEqual({ tenant: [], platform: [] });
  });

  it('accepting an invitation grants exactly its tenant roles and no platform role', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const email = `accept-${randomBytes(3).toString('hex')}@test.fig`;
    const inv = await app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${admin.tenantId}/invitations`,
      headers: admin.headers,
      payload: { email, roles: ['auditor'] },
    });
    const accepted = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invitation',
      payload: { token: inv.json().token as string, name: 'New', password: TEST_PASSWORD },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ roles: ['auditor'], platformRoles: [] });
    expect(accepted.json().permissions).not.toContain('routes.read');
  });

  it('lists only tenant roles where an organisation picks roles (the invite form)', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const res = await app.inject({ url: '/api/v1/roles', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const roles = res.json() as { key: string; scope: string; permissions: string[] }[];
    expect(roles.map((r) => r.key)).toEqual(TENANT_ROLES);
    expect(roles.every((r) => r.scope === 'tenant')).toBe(true);
    expect(
      roles.flatMap((r) => r.permissions).filter((p) => p.startsWith('routes.') || p.startsWith('platform.')),
    ).toEqual([]);
  });

  it('gives a token that claims ops as a tenant role no platform permission', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const token = app.accessTokens.sign({
      sub: admin.userId,
      tid: admin.tenantId,
      roles: ['admin', 'ops'],
      platformRoles: [],
      pv: 1,
      portal: 'internal',
      email: admin.email,
    });
    const res = await app.inject({ url: '/_fig/routes', headers: { authorization: `Bearer ${token}` } });
    expect(problem(res)).toEqual(forbidden('routes.read'));
  });

  it('refuses an access token minted without the platformRoles claim (issued before platform roles)', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const signer = app.accessTokens as unknown as { sign: (c: object) => string };
    const old = signer.sign({
      sub: admin.userId,
      tid: admin.tenantId,
      roles: ['admin'],
      pv: 1,
      portal: 'internal',
      email: admin.email,
    });
    const res = await app.inject({
      url: `/api/v1/tenants/${admin.tenantId}/members`,
      headers: { authorization: `Bearer ${old}` },
    });
    expect(problem(res)).toEqual({
      type: 'https://fig.dev/problems/fig-unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'The access token signature or claims are invalid',
      code: 'FIG_UNAUTHORIZED',
    });
  });

  it('keeps the demo platform operator working through a platform grant, and no tenant holds ops', async () => {
    await seedDemo(app.db);
    const ops = await login('ops@acme.test', DEMO_PASSWORD);
    expect(ops.json()).toMatchObject({
      tenant: { id: DEMO_TENANTS.acme.id },
      roles: [],
      platformRoles: ['ops'],
    });
    expect(ops.json().permissions).toEqual(
      expect.arrayContaining(['routes.read', 'routes.flip', 'routes.override', 'platform.roles.manage']),
    );
    const routes = await app.inject({
      url: '/_fig/routes?limit=1',
      headers: { authorization: `Bearer ${ops.json().accessToken as string}` },
    });
    expect(routes.statusCode).toBe(200);
    const tenantOps = await app.db
      .selectFrom('tenancy.user_role_assignments')
      .select('user_id')
      .where('role_key', '=', 'ops')
      .execute();
    expect(tenantOps).toEqual([]);
  });
});

describe('/_fig/* and the shadow corpus are for platform roles only', () => {
  let routeKey: string;
  let operator: Awaited<ReturnType<typeof loginAs>>;
  const tenantCallers: Record<string, { authorization: string }> = {};

  beforeAll(async () => {
    const tenantId = await createTestTenant(app);
    for (const role of TENANT_ROLES)
      tenantCallers[role] = (await loginAs(app, { roles: [role], tenantId })).headers;
    tenantCallers['every tenant role'] = (await loginAs(app, { roles: TENANT_ROLES, tenantId })).headers;
    operator = await loginAs(app, { roles: [], platformRoles: ['ops'], tenantId });
    const list = await app.inject({ url: '/_fig/routes?limit=1', headers: operator.headers });
    routeKey = (list.json().data as { key: string }[])[0]!.key;
  });

  const figRoutes = () => app.guardedRoutes.filter((r) => r.url.startsWith('/_fig'));
  const urlOf = (url: string) =>
    url
      .replace(':key', encodeURIComponent(routeKey))
      .replace(/:[A-Za-z]+/g, () => randomUUID())
      .replace('*', 'nothing-here');
  const call = (method: string, url: string, headers: Record<string, string>) =>
    app.inject({
      method: method as 'GET',
      url: urlOf(url),
      headers,
      ...(method === 'GET' ? {} : { payload: {} }),
    });

  it('covers the route table, flips, kill switch, settings, history, shadow corpus and platform grants', () => {
    const keys = figRoutes().map((r) => `${r.method} ${r.url}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /_fig/routes',
        'PUT /_fig/routes/:key',
        'POST /_fig/kill-switch',
        'GET /_fig/route-changes',
        'PUT /_fig/routes/:key/settings',
        'GET /_fig/routes/:key/shadow',
        'GET /_fig/routes/:key/mismatches',
        'POST /_fig/platform/grants',
      ]),
    );
    expect(
      figRoutes().every((r) => r.permission.startsWith('routes.') || r.permission.startsWith('platform.')),
    ).toBe(true);
  });

  it('answers 403 to every tenant role (admin and auditor included) on every /_fig route', async () => {
    const leaks: string[] = [];
    for (const route of figRoutes()) {
      for (const [role, headers] of Object.entries(tenantCallers)) {
        const res = await call(route.method, route.url, headers);
        if (res.statusCode !== 403) leaks.push(`${route.method} ${route.url} as ${role} → ${res.statusCode}`);
        else expect(problem(res)).toEqual(forbidden(route.permission));
      }
    }
    expect(leaks).toEqual([]);
  });

  it('refuses the raw shadow mismatch corpus to a tenant admin and auditor, and shows it to a platform operator', async () => {
    const url = `/_fig/routes/${encodeURIComponent(routeKey)}/mismatches`;
    for (const role of ['admin', 'auditor']) {
      const res = await app.inject({ url, headers: tenantCallers[role]! });
      expect(problem(res)).toEqual(forbidden('routes.read'));
    }
    const ok = await app.inject({ url, headers: operator.headers });
    expect(ok.statusCode).toBe(200);
  });

  it('lets a platform operator through every /_fig route (the admin token too)', async () => {
    const refused: string[] = [];
    for (const route of figRoutes()) {
      for (const [who, headers] of [
        ['operator', operator.headers],
        ['admin-token', { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }],
      ] as const) {
        const res = await call(route.method, route.url, headers);
        // A GET of one record by a random id (e.g. /_fig/mailbox/:id) may answer 404; never 401/403.
        const expectOk = route.method === 'GET' && !route.url.endsWith('*') && !/:(?!key\b)[A-Za-z]+/.test(route.url);
        if ([401, 403].includes(res.statusCode) || (expectOk && res.statusCode !== 200))
          refused.push(`${route.method} ${route.url} as ${who} → ${res.statusCode}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('keeps parity reports (finance sign-off evidence) readable by tenant finance', async () => {
    const res = await app.inject({ url: '/api/v1/parity/reports', headers: tenantCallers.finance! });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ data: [], total: 0 });
  });
});

describe('platform grants API (/_fig/platform/grants)', () => {
  it('grants and revokes ops with a reason, records actor and reason, and re-issues permissions', async () => {
    const tenantId = await createTestTenant(app);
    const operator = await loginAs(app, { roles: [], platformRoles: ['ops'], tenantId });
    const grantee = await createUserWithRoles(app, { tenantId, roles: ['hr'] });
    const before = await login(grantee.email);
    const oldToken = { authorization: `Bearer ${before.json().accessToken as string}` };

    const granted = await app.inject({
      method: 'POST',
      url: '/_fig/platform/grants',
      headers: operator.headers,
      payload: { email: grantee.email.toUpperCase(), role: 'ops', reason: 'on call for the Q3 cutover' },
    });
    expect(granted.statusCode).toBe(201);
    expect(granted.json()).toEqual({
      userId: grantee.userId,
      email: grantee.email,
      role: 'ops',
      grantedBy: operator.email,
      reason: 'on call for the Q3 cutover',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // The grantee's tokens from before are revoked; a new sign-in carries the platform role.
    expect((await app.inject({ url: '/api/v1/me', headers: oldToken })).statusCode).toBe(401);
    const after = await login(grantee.email);
    expect(after.json()).toMatchObject({ roles: ['hr'], platformRoles: ['ops'] });
    const asGrantee = { authorization: `Bearer ${after.json().accessToken as string}` };
    expect((await app.inject({ url: '/_fig/route-changes', headers: asGrantee })).statusCode).toBe(200);

    const again = await app.inject({
      method: 'POST',
      url: '/_fig/platform/grants',
      headers: operator.headers,
      payload: { email: grantee.email, role: 'ops', reason: 'twice' },
    });
    expect(problem(again)).toEqual({
      type: 'https://fig.dev/problems/fig-already-granted',
      title: 'Conflict',
      status: 409,
      detail: `${grantee.email} already holds the platform role ops`,
      code: 'FIG_ALREADY_GRANTED',
    });

    const list = await app.inject({ url: '/_fig/platform/grants', headers: operator.headers });
    expect(list.json().data).toContainEqual(
      expect.objectContaining({ email: grantee.email, role: 'ops', grantedBy: operator.email }),
    );

    const revoked = await app.inject({
      method: 'DELETE',
      url: '/_fig/platform/grants',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      payload: { email: grantee.email, role: 'ops', reason: 'cutover done' },
    });
    expect(revoked.statusCode).toBe(204);
    expect((await app.inject({ url: '/_fig/route-changes', headers: asGrantee })).statusCode).toBe(401);
    const last = await login(grantee.email);
    expect(last.json()).toMatchObject({ roles: ['hr'], platformRoles: [] });
    expect(
      problem(
        await app.inject({
          url: '/_fig/route-changes',
          headers: { authorization: `Bearer ${last.json().accessToken as string}` },
        }),
      ),
    ).toEqual(forbidden('routes.read'));

    const events = await app.inject({ url: '/_fig/platform/events?limit=10', headers: operator.headers });
    const mine = (events.json().data as { userId: string }[]).filter((e) => e.userId === grantee.userId);
    expect(mine).toEqual([
      expect.objectContaining({
        action: 'revoke',
        role: 'ops',
        actor: 'admin-token',
        reason: 'cutover done',
        email: grantee.email,
      }),
      expect.objectContaining({
        action: 'grant',
        role: 'ops',
        actor: operator.email,
        reason: 'on call for the Q3 cutover',
        email: grantee.email,
      }),
    ]);
    // The record is append-only: the app's role may not delete at all, and even the owner is
    // stopped by the trigger.
    await expect(sql`delete from identity.platform_role_events`.execute(app.db)).rejects.toThrow(
      /permission denied for table platform_role_events/,
    );
    const owner = ownerDb(app.config);
    try {
      await expect(sql`delete from identity.platform_role_events`.execute(owner)).rejects.toThrow(/append-only/);
    } finally {
      await owner.destroy();
    }
  });

  it('refuses a tenant role, an unknown role, a missing reason and an unknown user with problems', async () => {
    const headers = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    const user = await createUserWithRoles(app, { roles: ['hr'] });
    const post = (payload: object) =>
      app.inject({ method: 'POST', url: '/_fig/platform/grants', headers, payload });
    const bad = (path: string, message: string) => ({
      type: 'https://fig.dev/problems/fig-validation',
      title: 'Bad Request',
      status: 400,
      detail: '1 invalid field(s)',
      code: 'FIG_VALIDATION',
      errors: [{ path, message }],
    });
    expect(problem(await post({ email: user.email, role: 'admin', reason: 'promote' }))).toEqual(
      bad('body.role', "admin is a tenant role: an organisation's admin grants it"),
    );
    expect(problem(await post({ email: user.email, role: 'root', reason: 'promote' }))).toEqual(
      bad('body.role', 'unknown platform role root'),
    );
    expect(problem(await post({ email: user.email, role: 'ops', reason: '' }))).toMatchObject({
      status: 400,
      code: 'FIG_VALIDATION',
      errors: [expect.objectContaining({ path: 'body.reason' })],
    });
    expect(problem(await post({ email: 'nobody@test.fig', role: 'ops', reason: 'promote' }))).toEqual({
      type: 'https://fig.dev/problems/fig-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'User nobody@test.fig was not found',
      code: 'FIG_NOT_FOUND',
    });
    expect(await opsHoldings(user.userId)).toEqual({ tenant: [], platform: [] });
  });
});

describe('migration 0036 (existing data)', () => {
  it('moves tenant ops assignments into platform grants, strips ops from pending invitations and routes.* from tenant roles', async () => {
    const name = `fig_t_${inject('runId')}_mig_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
    const url = new URL(inject('adminDatabaseUrl'));
    url.pathname = `/${name}`;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on Kysely<any> (a moment in history, not the app's types)
    const db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }) }),
    });
    try {
      const migrator = new Migrator({ db, provider: new FolderProvider(), allowUnorderedMigrations: true });
      expect((await migrator.migrateTo('0035_create_shadow_tables')).error).toBeUndefined();
      const org = '00000000-0000-4000-8000-0000000000a1';
      await sql`insert into tenancy.organisations (id, name, slug) values (${org}, 'Globex', 'globex')`.execute(
        db,
      );
      const users = await sql<{ id: string; email: string }>`
        insert into identity.users (email, name) values ('planted@x.test', 'p'), ('hr@x.test', 'h') returning id, email`.execute(
        db,
      );
      const [planted, hr] = users.rows;
      await sql`insert into tenancy.memberships (tenant_id, user_id) values (${org}, ${planted!.id}), (${org}, ${hr!.id})`.execute(
        db,
      );
      await sql`insert into tenancy.user_role_assignments (tenant_id, user_id, role_key) values (${org}, ${planted!.id}, 'ops'), (${org}, ${planted!.id}, 'hr'), (${org}, ${hr!.id}, 'hr')`.execute(
        db,
      );
      const inv = (roles: string[], accepted: boolean) =>
        sql<{
          id: string;
        }>`insert into tenancy.invitations (tenant_id, email, roles, token_hash, invited_by_actor, expires_at, accepted_at)
          values (${org}, 'i@x.test', ${roles}, ${randomBytes(8).toString('hex')}, 'admin', now() + interval '1 day', ${accepted ? new Date() : null}) returning id`
          .execute(db)
          .then((r) => r.rows[0]!.id);
      const onlyOps = await inv(['ops'], false);
      const mixed = await inv(['hr', 'ops'], false);
      const history = await inv(['ops'], true);

      expect((await migrator.migrateToLatest()).error).toBeUndefined();

      const grants =
        await sql`select user_id, role_key, granted_by_actor, reason from identity.platform_role_grants`.execute(
          db,
        );
      expect(grants.rows).toEqual([
        {
          user_id: planted!.id,
          role_key: 'ops',
          granted_by_actor: 'migration',
          reason: 'migrated from tenant role ops in globex',
        },
      ]);
      const events =
        await sql`select user_id, email, role_key, action, actor from identity.platform_role_events`.execute(
          db,
        );
      expect(events.rows).toEqual([
        {
          user_id: planted!.id,
          email: 'planted@x.test',
          role_key: 'ops',
          action: 'grant',
          actor: 'migration',
        },
      ]);
      const assignments =
        await sql`select user_id, role_key from tenancy.user_role_assignments order by role_key, user_id`.execute(
          db,
        );
      expect(assignments.rows).toEqual(
        [
          { user_id: planted!.id, role_key: 'hr' },
          { user_id: hr!.id, role_key: 'hr' },
        ].sort((a, b) => (a.user_id < b.user_id ? -1 : 1)),
      );
      const invitations = await sql<{ id: string; roles: string[]; revoked: boolean }>`
        select id, roles, revoked_at is not null as revoked from tenancy.invitations`.execute(db);
      const byId = Object.fromEntries(
        invitations.rows.map((r) => [r.id, { roles: r.roles, revoked: r.revoked }]),
      );
      expect(byId).toEqual({
        [onlyOps]: { roles: [], revoked: true },
        [mixed]: { roles: ['hr'], revoked: false },
        [history]: { roles: ['ops'], revoked: false },
      });
      const tenantPlatformPerms = await sql`
        select rp.role_key, rp.permission_key from tenancy.role_permissions rp
        join tenancy.roles r on r.key = rp.role_key join tenancy.permissions p on p.key = rp.permission_key
        where r.scope = 'tenant' and p.scope = 'platform'`.execute(db);
      expect(tenantPlatformPerms.rows).toEqual([]);
      await expect(
        sql`insert into tenancy.role_permissions (role_key, permission_key) values ('auditor', 'routes.read')`.execute(
          db,
        ),
      ).rejects.toThrow('tenant role auditor cannot hold platform permission routes.read');
      const forced = await sql<{ relname: string; forced: boolean }>`
        select relname, relforcerowsecurity as forced from pg_class where relname in ('user_role_assignments', 'invitations') order by relname`.execute(
        db,
      );
      expect(forced.rows).toEqual([
        { relname: 'invitations', forced: true },
        { relname: 'user_role_assignments', forced: true },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
