import { loadConfigOrExit } from '../modules/core/config';
import { createDb } from '../modules/core/db';
import { seedDemo as seedIdentity, DEMO_TENANTS } from '../modules/identity/index';
import { seedDemo as seedPlans } from '../modules/plans/index';
import { seedDemo as seedApprovals } from '../modules/approvals/index';

/** Seed the demo tenants: organisations, users and roles, then each module's demo data. Idempotent. */
const config = loadConfigOrExit();
const db = createDb(config.MIGRATION_DATABASE_URL, { max: 2 });
try {
  await seedIdentity(db);
  await seedPlans(db, DEMO_TENANTS.acme.id);
  for (const t of Object.values(DEMO_TENANTS)) await seedApprovals(db, t.id);
  console.log(`demo tenants seeded: ${Object.values(DEMO_TENANTS).map((t) => t.name).join(', ')}`);
} finally {
  await db.destroy();
}
