import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  ensurePlatformRoleAsOwner,
  listPlatformRolesAsOwner,
  provisionUser,
} from '../modules/identity/index';
import { createOrganisation } from '../modules/tenancy/index';
import { withTenant } from '../modules/core/db';

export const TEST_PASSWORD = 'test-password-0123';

export interface TestUser {
  userId: string;
  tenantId: string;
  email: string;
  password: string;
}

/** Create an organisation with a random slug (or use the given id, creating it if missing). */
export async function createTestTenant(
  app: FastifyInstance,
  opts: { id?: string; name?: string } = {},
): Promise<string> {
  const slug = `t-${randomBytes(5).toString('hex')}`;
  const org = await createOrganisation(app.db, {
    id: opts.id ?? randomUUID(),
    name: opts.name ?? `Test org ${slug}`,
    slug,
  });
  return org.id;
}

/**
 * A user (password TEST_PASSWORD unless the email already exists) who is a member of `tenantId`
 * (a new organisation when omitted) with tenant `roles`, and holds `platformRoles` (granted as the
 * platform, the way the demo seed does).
 */
export async function createUserWithRoles(
  app: FastifyInstance,
  opts: { tenantId?: string; roles: string[]; platformRoles?: string[]; email?: string; name?: string },
): Promise<TestUser> {
  const tenantId = opts.tenantId ?? (await createTestTenant(app));
  const email = (opts.email ?? `u-${randomBytes(5).toString('hex')}@test.fig`).toLowerCase();
  const user = await provisionUser(app.db, {
    email,
    name: opts.name,
    password: TEST_PASSWORD,
    tenantId,
    roles: opts.roles,
    actor: 'test',
  });
  for (const role of opts.platformRoles ?? [])
    await ensurePlatformRoleAsOwner(app.db, { userId: user.id, email, role, actor: 'test', reason: 'test set-up' });
  return { userId: user.id, tenantId, email, password: TEST_PASSWORD };
}

/**
 * A signed-in user with `roles`: an access token exactly like /api/v1/auth/login issues, minted
 * directly (no HTTP round trip, so the auth rate limit and argon2 cost stay out of other tests).
 */
export async function loginAs(
  app: FastifyInstance,
  opts: { roles: string[]; platformRoles?: string[]; tenantId?: string; email?: string },
): Promise<{
  token: string;
  headers: { authorization: string };
  tenantId: string;
  userId: string;
  email: string;
}> {
  const u = await createUserWithRoles(app, opts);
  const row = await app.db
    .selectFrom('identity.users')
    .select('perms_version')
    .where('id', '=', u.userId)
    .executeTakeFirstOrThrow();
  // app.db is the app role: role assignments are visible only inside their tenant.
  const assigned = await withTenant(app.db, u.tenantId, (trx) =>
    trx.selectFrom('tenancy.user_role_assignments').select('role_key').where('user_id', '=', u.userId).orderBy('role_key').execute(),
  );
  const token = app.accessTokens.sign({
    sub: u.userId,
    tid: u.tenantId,
    roles: assigned.map((r) => r.role_key),
    platformRoles: await listPlatformRolesAsOwner(app.db, u.userId),
    pv: row.perms_version,
    portal: 'internal',
    email: u.email,
  });
  return {
    token,
    headers: { authorization: `Bearer ${token}` },
    tenantId: u.tenantId,
    userId: u.userId,
    email: u.email,
  };
}

/** The admin token's Authorization header (testConfig sets ADMIN_TOKEN). */
export const adminHeaders = (token: string) => ({ authorization: `Bearer ${token}` });
