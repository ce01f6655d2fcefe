import { sql, type Kysely } from 'kysely';

/**
 * The role model's seed: permission keys and which role holds which. Later modules add their
 * own keys in their own migrations (insert ... on conflict do nothing).
 */
const PERMISSIONS: Record<string, string> = {
  'routes.read': 'See the route table, its stats and history',
  'routes.flip': 'Change a route mode (legacy, shadow, canary, new) and use the kill switch',
  'routes.override': 'Flip a route although its parity gate does not pass (with a reason)',
  'plans.read': 'See bonus plans',
  'plans.write': 'Create and edit draft bonus plans',
  'plans.lock': 'Lock a plan version',
  'runs.read': 'See runs and statements',
  'runs.write': 'Upload data and start runs',
  'runs.approve.hr': 'Approve a run as HR',
  'runs.approve.finance': 'Approve a run as finance',
  'parity.read': 'See parity reports',
  'parity.signoff': 'Sign off a cutover gate',
  'audit.read': 'Read, verify and export the audit trail',
  'users.read': 'See members, invitations and roles',
  'users.manage': 'Invite members and change their roles',
  'apar.read': 'See AP/AR',
  'apar.write': 'Change AP/AR',
};

const ROLES: Array<{ key: string; name: string; description: string; permissions: string[] }> = [
  {
    key: 'admin',
    name: 'Administrator',
    description: 'Manages the organisation, its members and its data (approvals stay with hr and finance)',
    permissions: [
      'users.read',
      'users.manage',
      'plans.read',
      'plans.write',
      'plans.lock',
      'runs.read',
      'runs.write',
      'audit.read',
      'apar.read',
      'apar.write',
      'routes.read',
      'parity.read',
    ],
  },
  {
    key: 'hr',
    name: 'HR',
    description: 'Designs plans, runs them and gives the HR approval',
    permissions: ['users.read', 'plans.read', 'plans.write', 'runs.read', 'runs.write', 'runs.approve.hr'],
  },
  {
    key: 'manager',
    name: 'Manager',
    description: 'Sees plans and results of their people',
    permissions: ['plans.read', 'runs.read'],
  },
  {
    key: 'finance',
    name: 'Finance',
    description: 'Locks plans, gives the finance approval, reviews parity and signs off cutovers',
    permissions: [
      'plans.read',
      'plans.lock',
      'runs.read',
      'runs.approve.finance',
      'parity.read',
      'parity.signoff',
      'apar.read',
      'apar.write',
    ],
  },
  {
    key: 'auditor',
    name: 'Auditor',
    description: 'Reads everything, including the audit trail; changes nothing',
    permissions: [
      'users.read',
      'plans.read',
      'runs.read',
      'audit.read',
      'parity.read',
      'apar.read',
      'routes.read',
    ],
  },
  {
    key: 'readonly',
    name: 'Read-only',
    description: 'Reads plans, runs and AP/AR',
    permissions: ['plans.read', 'runs.read', 'apar.read'],
  },
  {
    key: 'ops',
    name: 'Operations',
    description: 'Operates the gateway: route modes, kill switch, parity evidence',
    permissions: ['routes.read', 'routes.flip', 'routes.override', 'parity.read'],
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [key, description] of Object.entries(PERMISSIONS)) {
    await sql`insert into tenancy.permissions (key, description) values (${key}, ${description}) on conflict (key) do nothing`.execute(
      db,
    );
  }
  let position = 0;
  for (const role of ROLES) {
    await sql`
      insert into tenancy.roles (key, name, description, position) values (${role.key}, ${role.name}, ${role.description}, ${position++})
      on conflict (key) do nothing
    `.execute(db);
    for (const p of role.permissions) {
      await sql`insert into tenancy.role_permissions (role_key, permission_key) values (${role.key}, ${p}) on conflict do nothing`.execute(
        db,
      );
    }
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
