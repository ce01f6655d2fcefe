import type { Db } from '../core/db';
import { createOrganisation } from '../tenancy/index';
import { provisionUser } from './provision';
import { ensurePlatformRoleAsOwner } from './service/grant-platform-role';

export const DEMO_PASSWORD = 'fig-demo-2026';
export const DEMO_TENANTS = {
  acme: { id: '00000000-0000-4000-8000-00000000ac3e', name: 'Acme Corp', slug: 'acme' },
  globex: { id: '00000000-0000-4000-8000-0000000061b0', name: 'Globex', slug: 'globex' },
} as const;

// `platform`: platform roles, held across organisations (ops@acme.test is the demo's platform
// operator; Acme's admin is only a tenant admin, like Globex's).
const DEMO_USERS: Array<{ email: string; name: string; roles: string[]; globex?: string[]; platform?: string[] }> = [
  { email: 'admin@acme.test', name: 'Ada Admin', roles: ['admin'], globex: ['admin'] },
  { email: 'ops@acme.test', name: 'Oscar Ops', roles: [], platform: ['ops'] },
  { email: 'finance@acme.test', name: 'Fiona Finance', roles: ['finance'] },
  { email: 'hr@acme.test', name: 'Harriet HR', roles: ['hr'] },
  { email: 'auditor@acme.test', name: 'Audrey Auditor', roles: ['auditor'] },
  { email: 'manager@acme.test', name: 'Manny Manager', roles: ['manager'] },
];

export interface DemoSeed {
  tenants: Array<{ id: string; name: string; slug: string }>;
  users: Array<{ email: string; password: string; roles: string[]; platformRoles: string[] }>;
}

/**
 * The demo organisations and users (password `fig-demo-2026`, demo only). Idempotent: running it
 * again changes nothing and writes no new audit events.
 */
export async function seedDemo(db: Db): Promise<DemoSeed> {
  const tenants = [
    await createOrganisation(db, DEMO_TENANTS.acme),
    await createOrganisation(db, DEMO_TENANTS.globex),
  ];
  for (const u of DEMO_USERS) {
    const user = await provisionUser(db, {
      email: u.email,
      name: u.name,
      password: DEMO_PASSWORD,
      tenantId: DEMO_TENANTS.acme.id,
      roles: u.roles,
      actor: 'seed',
    });
    if (u.globex)
      await provisionUser(db, {
        email: u.email,
        name: u.name,
        password: DEMO_PASSWORD,
        tenantId: DEMO_TENANTS.globex.id,
        roles: u.globex,
        actor: 'seed',
      });
    for (const role of u.platform ?? [])
      await ensurePlatformRoleAsOwner(db, {
        userId: user.id,
        email: u.email,
        role,
        actor: 'seed',
        reason: 'demo platform operator',
      });
  }
  return {
    tenants,
    users: DEMO_USERS.map((u) => ({
      email: u.email,
      password: DEMO_PASSWORD,
      roles: u.roles,
      platformRoles: u.platform ?? [],
    })),
  };
}
