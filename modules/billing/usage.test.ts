import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { sql } from 'kysely';
import { buildTestApp, ownerDb } from '../../test/helpers';
import { createTestTenant } from '../../test/auth';
import { withTenant } from '../core/db';
import type { JobContext } from '../core/jobs';
import { createStripe } from './stripe-client';
import { listTenantsDueForUsage, monthOf, previousMonth, reportMonthlyUsage, usageIdentifier } from './report-usage';
import { reportTenantUsageJob, reportUsageJob, tenantUsageJobId } from './jobs';
import { startStripeStandIn } from './stripe-stand-in.test-helper';

let app: FastifyInstance;
let standIn: Awaited<ReturnType<typeof startStripeStandIn>>;
let config: Awaited<ReturnType<typeof buildTestApp>>['config'];
beforeAll(async () => {
  standIn = await startStripeStandIn();
  ({ app, config } = await buildTestApp({ STRIPE_SECRET_KEY: 'sk_test_fig_stand_in', STRIPE_WEBHOOK_SECRET: 'whsec_usage', STRIPE_API_URL: standIn.url }));
});
afterAll(async () => {
  await app?.close();
  await standIn?.close();
});

const now = new Date();
const lastMonth = previousMonth(now);
/** Last second of the last closed month, in Stripe's epoch seconds. */
const lastMonthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) / 1000 - 1;

/** A run created at `at` with results for these employees (one failed row, not counted). */
async function seedRun(tenantId: string, employees: string[], at: string) {
  const db = ownerDb(config);
  try {
    const upload = await sql<{ id: number }>`insert into runs.uploads (tenant_id, filename, row_count, sha256) values (${tenantId}, 'u.csv', ${employees.length}, ${'a'.repeat(64)}) returning id`.execute(db);
    const run = await sql<{ id: number }>`insert into runs.runs (tenant_id, upload_id, created_at) values (${tenantId}, ${upload.rows[0]!.id}, ${at}::timestamptz) returning id`.execute(db);
    let i = 0;
    for (const e of [...employees, 'E-FAILED'])
      await sql`insert into runs.run_results (run_id, tenant_id, row_no, employee_id, ok, outputs) values (${run.rows[0]!.id}, ${tenantId}, ${++i}, ${e}, ${e !== 'E-FAILED'}, '{}')`.execute(db);
  } finally {
    await db.destroy();
  }
}

async function withCustomer(tenantId: string): Promise<string> {
  const customer = `cus_usage_${randomUUID().slice(0, 8)}`;
  const db = ownerDb(config);
  await sql`insert into billing.accounts (tenant_id, stripe_customer_id) values (${tenantId}, ${customer})`.execute(db);
  await db.destroy();
  return customer;
}

/** The worker's job context, with `enqueue` running the per-tenant job inline and noting its job ids. */
function jobContext(queued: string[]): JobContext {
  const ctx: JobContext = {
    config,
    db: app.db,
    redis: app.redis,
    log: app.log as unknown as Logger,
    signal: new AbortController().signal,
    enqueue: async (def, payload, { jobId }) => {
      expect(def).toBe(reportTenantUsageJob);
      queued.push(jobId);
      await reportTenantUsageJob.handler(reportTenantUsageJob.payload.parse(payload), ctx);
    },
  };
  return ctx;
}

describe('monthly usage reported to Stripe', () => {
  it('refuses to report a month that is not over (its count still grows)', async () => {
    const tenantId = await createTestTenant(app);
    await expect(reportMonthlyUsage(app.db, createStripe(config), 'fig_employees', tenantId, monthOf(now), now)).rejects.toThrow(/is not over yet/);
  });

  it('lists the tenants due through a definer function only: the app role sees no billing account outside a tenant, a tenant transaction cannot call it', async () => {
    const due = await createTestTenant(app);
    await withCustomer(due);
    const reported = await createTestTenant(app);
    await withCustomer(reported);
    const owner = ownerDb(config);
    await sql`insert into billing.usage_reports (tenant_id, month, metric, quantity, reported_at) values (${reported}, ${lastMonth}::date, 'employees', 3, now())`.execute(owner);
    await owner.destroy();
    await createTestTenant(app); // no Stripe customer: never listed

    const { rows } = await sql`select tenant_id from billing.accounts`.execute(app.db);
    expect(rows).toEqual([]);
    const list = await listTenantsDueForUsage(app.db, lastMonth);
    expect(list).toContain(due);
    expect(list).not.toContain(reported);
    await expect(withTenant(app.db, due, (trx) => sql`select * from app.billing_usage_due(${lastMonth}::date, 'employees')`.execute(trx))).rejects.toThrow(
      /permission denied for function billing_usage_due/,
    );
  });

  it('the hourly job reports every tenant with a customer once for the last closed month, and a worker that died after sending replays the same event', async () => {
    const a = await createTestTenant(app);
    const customerA = await withCustomer(a);
    const b = await createTestTenant(app);
    const customerB = await withCustomer(b);
    const withoutCustomer = await createTestTenant(app);
    const inLastMonth = `${lastMonth}T12:00:00Z`;
    await seedRun(a, ['E1', 'E2', 'E3'], inLastMonth);
    await seedRun(a, ['E2', 'E4'], inLastMonth);
    await seedRun(a, ['E5'], now.toISOString()); // this month: reported next month
    await seedRun(withoutCustomer, ['E1'], inLastMonth);

    const queued: string[] = [];
    const first = await reportUsageJob.handler(reportUsageJob.payload.parse(undefined), jobContext(queued));
    expect(first).toMatchObject({ month: lastMonth });
    expect(queued).toEqual(expect.arrayContaining([tenantUsageJobId(a, lastMonth), tenantUsageJobId(b, lastMonth)]));
    expect(queued.some((id) => id.includes(withoutCustomer))).toBe(false);
    const mine = () => standIn.meterEvents.filter((e) => e.customer === customerA || e.customer === customerB);
    expect(mine().sort((x, y) => x.value.localeCompare(y.value))).toEqual([
      { eventName: 'fig_employees', identifier: usageIdentifier(b, lastMonth), customer: customerB, value: '0', timestamp: lastMonthEnd },
      { eventName: 'fig_employees', identifier: usageIdentifier(a, lastMonth), customer: customerA, value: '4', timestamp: lastMonthEnd },
    ]);
    const callA = standIn.calls.find((c) => c.form.identifier === usageIdentifier(a, lastMonth))!;
    expect(callA.idempotencyKey).toBe(usageIdentifier(a, lastMonth));

    // The next hour: nothing is due, nothing is sent.
    const callsBefore = standIn.calls.length;
    const again: string[] = [];
    await reportUsageJob.handler({}, jobContext(again));
    expect(again.filter((id) => id.includes(a) || id.includes(b))).toEqual([]);
    expect(standIn.calls.length).toBe(callsBefore);

    // A worker that died after Stripe accepted A's event, before reported_at was written (and more
    // runs since): the retry sends the frozen figure with the same key, Stripe replays, bills once.
    const owner = ownerDb(config);
    await sql`update billing.usage_reports set reported_at = null where tenant_id = ${a}`.execute(owner);
    await seedRun(a, ['E9'], inLastMonth);
    await reportUsageJob.handler({}, jobContext([]));
    const replay = standIn.calls.at(-1)!;
    expect(replay).toMatchObject({ idempotencyKey: usageIdentifier(a, lastMonth), replayed: true, form: { 'payload[value]': '4' } });
    expect(standIn.meterEvents.filter((e) => e.customer === customerA)).toHaveLength(1);
    const { rows } = await sql<{ quantity: number; reported: boolean }>`select quantity, reported_at is not null as reported from billing.usage_reports where tenant_id = ${a}`.execute(owner);
    await owner.destroy();
    expect(rows).toEqual([{ quantity: 4, reported: true }]);
  });

  it('does nothing with billing off', async () => {
    const off = { ...jobContext([]), config: { ...config, STRIPE_SECRET_KEY: undefined } };
    expect(await reportUsageJob.handler({}, off)).toEqual({ skipped: 'billing is off', queued: 0 });
  });
});
