import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp, ownerDb } from '../../test/helpers';
import { createTestTenant } from '../../test/auth';
import { createStripe } from './stripe-client';
import { monthOf, reportMonthlyUsage } from './report-usage';
import { startStripeStandIn } from './stripe-stand-in.test-helper';

let app: FastifyInstance;
let standIn: Awaited<ReturnType<typeof startStripeStandIn>>;
let config: Awaited<ReturnType<typeof buildTestApp>>['config'];
beforeAll(async () => {
  standIn = await startStripeStandIn();
  ({ app, config } = await buildTestApp({ STRIPE_SECRET_KEY: 'sk_test_fig_stand_in', STRIPE_WEBHOOK_SECRET: 'whsec_usage', STRIPE_API_URL: standIn.url }));
});
afterAll(async () => {
  await app.close();
  await standIn.close();
});

/** A run this month with results for these employees (one failed row, not counted). */
async function seedRun(tenantId: string, employees: string[]) {
  const db = ownerDb(config);
  try {
    const upload = await sql<{ id: number }>`insert into runs.uploads (tenant_id, filename, row_count, sha256) values (${tenantId}, 'u.csv', ${employees.length}, ${'a'.repeat(64)}) returning id`.execute(db);
    const run = await sql<{ id: number }>`insert into runs.runs (tenant_id, upload_id) values (${tenantId}, ${upload.rows[0]!.id}) returning id`.execute(db);
    let i = 0;
    for (const e of [...employees, 'E-FAILED'])
      await sql`insert into runs.run_results (run_id, tenant_id, row_no, employee_id, ok, outputs) values (${run.rows[0]!.id}, ${tenantId}, ${++i}, ${e}, ${e !== 'E-FAILED'}, '{}')`.execute(db);
  } finally {
    await db.destroy();
  }
}

describe('monthly usage reported to Stripe', () => {
  it('reports the distinct employees calculated this month once, as a meter event with an idempotency key', async () => {
    const tenantId = await createTestTenant(app);
    const db = ownerDb(config);
    await sql`insert into billing.accounts (tenant_id, stripe_customer_id) values (${tenantId}, ${'cus_usage_' + randomUUID().slice(0, 8)})`.execute(db);
    await db.destroy();
    await seedRun(tenantId, ['E1', 'E2', 'E3']);
    await seedRun(tenantId, ['E2', 'E4']);
    const month = monthOf(new Date());
    const stripe = createStripe(config);

    const first = await reportMonthlyUsage(app.db, stripe, 'fig_employees', tenantId, month);
    expect(first).toEqual({ quantity: 4, identifier: `fig-usage-${tenantId}-${month.slice(0, 7)}-employees` });
    const calls = standIn.calls.filter((c) => c.path === '/v1/billing/meter_events');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ idempotencyKey: first!.identifier, form: { event_name: 'fig_employees', identifier: first!.identifier, 'payload[value]': '4' } });

    // Idempotent per period: a second pass (another worker, a retry) sends nothing.
    await seedRun(tenantId, ['E5']);
    expect(await reportMonthlyUsage(app.db, stripe, 'fig_employees', tenantId, month)).toBeUndefined();
    expect(standIn.calls.filter((c) => c.path === '/v1/billing/meter_events')).toHaveLength(1);
  });

  it('reports nothing for an organisation without a Stripe customer', async () => {
    const tenantId = await createTestTenant(app);
    expect(await reportMonthlyUsage(app.db, createStripe(config), 'fig_employees', tenantId, monthOf(new Date()))).toBeUndefined();
  });
});
