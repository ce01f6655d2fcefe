import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { TEST_ADMIN_TOKEN, buildTestApp, legacyUrl } from '../../test/helpers';
import { APAR_ROUTE_KEYS, backfillApar } from './index';

/**
 * Differential test of the 16 legacy AP/AR routes: after a backfill, the same requests go to
 * the real legacy service (directly) and to fig with the routes in mode `new`; status and body
 * must be equal (created_at of rows created during the test is the only normalised field).
 */

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

let app: FastifyInstance;
const tenantId = randomUUID();

beforeAll(async () => {
  ({ app } = await buildTestApp({
    LEGACY_TENANT: tenantId,
    SHADOW_NOISE_SAMPLE_RATE: '0',
    AUTOROLLBACK_ENABLED: 'false',
    SHADOW_REVERSE_SAMPLE_RATE: '0',
  }));
  const result = await backfillApar({ db: app.db, log: app.log, legacyUrl: legacyUrl(), tenantId });
  expect(result.customers).toBeGreaterThanOrEqual(25);
  for (const key of APAR_ROUTE_KEYS) {
    const res = await app.inject({
      method: 'PUT',
      url: `/_fig/routes/${encodeURIComponent(key)}`,
      headers: auth,
      payload: { mode: 'new', reason: 'apar differential test', override: true },
    });
    expect(res.statusCode, key).toBe(200);
  }
}, 240_000);
afterAll(() => app?.close());

/** Rows created during the test carry each side's own clock. */
const normalise = (body: unknown): unknown =>
  JSON.parse(JSON.stringify(body ?? null).replace(/"created_at":"[^"]+"/g, '"created_at":"<t>"'));

async function both(method: 'GET' | 'POST', url: string, payload?: unknown) {
  const legacy = await fetch(new URL(url, legacyUrl()), {
    method,
    headers: { 'content-type': 'application/json' },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const legacyBody = (await legacy.text()) || 'null';
  const fig = await app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  expect(fig.headers.server, `${url}: answered by fig, not proxied`).not.toBe('uvicorn');
  return {
    legacy: { status: legacy.status, body: normalise(JSON.parse(legacyBody)) },
    fig: { status: fig.statusCode, body: normalise(fig.body ? fig.json() : null) },
    raw: JSON.parse(legacyBody),
  };
}

async function same(method: 'GET' | 'POST', url: string, payload?: unknown) {
  const r = await both(method, url, payload);
  expect(r.fig, `${method} ${url}`).toEqual(r.legacy);
  return r.raw as { id: number };
}

describe('legacy AP/AR routes served by modules/apar', () => {
  it('answers the backfilled data exactly as legacy does', async () => {
    for (const path of ['customers', 'vendors', 'invoices', 'bills', 'payments']) {
      await same('GET', `/api/v1/${path}`);
      await same('GET', `/api/v1/${path}?limit=1000`);
      await same('GET', `/api/v1/${path}?limit=7&offset=13`);
      await same('GET', `/api/v1/${path}/1`);
      await same('GET', `/api/v1/${path}/9999`);
      await same('GET', `/api/v1/${path}/abc`);
    }
    for (const q of [
      'status=open',
      'status=partial&limit=1000',
      'status=paid&limit=3',
      'customer_id=3',
      'project_id=2',
      'status=weird',
      'limit=0',
      'limit=1001',
      'offset=-1',
    ])
      await same('GET', `/api/v1/invoices?${q}`);
    for (const q of ['vendor_id=2&limit=1000', 'status=partial', 'status=paid'])
      await same('GET', `/api/v1/bills?${q}`);
    await same('GET', '/api/v1/payments?customer_id=4');
    for (const d of ['2025-06-30', '2025-01-15', '2024-12-01', '2030-01-01', '2025-13-01'])
      await same('GET', `/api/v1/reports/aging?as_of=${d}`);
    await same('GET', '/api/v1/reports/aging');
  }, 120_000);

  it('creates, allocates and refuses like legacy (same ids, numbers, errors)', async () => {
    const c = await same('POST', '/api/v1/customers', { name: 'Diff Co', email: 'ap@diff.example' });
    const other = await same('POST', '/api/v1/customers', { name: 'Other Co' });
    await same('POST', '/api/v1/vendors', { name: 'Paper Ltd' });
    await same('POST', '/api/v1/customers', { name: ' ', email: 'nope' });
    await same('POST', '/api/v1/customers', {});
    await same('POST', '/api/v1/customers');
    const a = await same('POST', '/api/v1/invoices', {
      customer_id: c.id,
      amount: '100',
      issue_date: '2025-01-01',
      due_date: '2025-03-01',
    });
    const b = await same('POST', '/api/v1/invoices', {
      customer_id: c.id,
      amount: '250.50',
      issue_date: '2025-01-01',
      due_date: '2025-02-01',
      description: 'March',
    });
    const theirs = await same('POST', '/api/v1/invoices', {
      customer_id: other.id,
      amount: 80,
      issue_date: '2025-01-01',
      due_date: '2025-01-31',
    });
    await same('POST', '/api/v1/invoices', {
      customer_id: c.id,
      amount: '5',
      issue_date: '2025-01-01',
      due_date: '2025-01-01',
      number: 'X-1',
    });
    await same('POST', '/api/v1/invoices', {
      customer_id: c.id,
      amount: '5',
      issue_date: '2025-01-01',
      due_date: '2025-01-01',
      number: 'X-1',
    });
    await same('POST', '/api/v1/invoices', {
      customer_id: c.id,
      amount: '0',
      issue_date: '2025-02-01',
      due_date: '2025-01-01',
    });
    await same('POST', '/api/v1/invoices', {
      customer_id: c.id,
      amount: '5',
      issue_date: '2025-02-01',
      due_date: '2025-01-01',
    });
    await same('POST', '/api/v1/invoices', {
      customer_id: 9999,
      amount: '5',
      issue_date: '2025-01-01',
      due_date: '2025-01-01',
    });
    await same('POST', '/api/v1/invoices', {
      customer_id: c.id,
      amount: 'x',
      issue_date: 'soon',
      currency: 'usd',
    });
    await same('POST', '/api/v1/bills', {
      vendor_id: 1,
      project_id: 1,
      category: 'travel',
      amount: '99.90',
      issue_date: '2025-03-01',
      due_date: '2025-03-31',
    });
    await same('POST', '/api/v1/bills', {
      vendor_id: 9999,
      amount: '1',
      issue_date: '2025-01-01',
      due_date: '2025-01-01',
    });

    const pay = (body: Record<string, unknown>) =>
      same('POST', '/api/v1/payments', { customer_id: c.id, date: '2025-02-10', ...body });
    await pay({ amount: '200', allocations: [{ invoice_id: a.id, amount: '100.01' }] });
    await pay({ amount: '100', allocations: [{ invoice_id: theirs.id, amount: '1' }] });
    await pay({ amount: '50', allocations: [{ invoice_id: a.id, amount: '60' }] });
    await pay({
      amount: '100',
      allocations: [
        { invoice_id: a.id, amount: '10' },
        { invoice_id: a.id, amount: '10' },
      ],
    });
    await pay({ amount: '100', allocations: [{ invoice_id: 99999, amount: '1' }] });
    await pay({ amount: '100', customer_id: 99999 });
    await pay({ amount: '-5' });
    await pay({ amount: '100', allocations: [] });
    const explicit = await pay({
      amount: '300',
      reference: 'wire 1',
      allocations: [
        { invoice_id: a.id, amount: '40' },
        { invoice_id: b.id, amount: '150.25' },
      ],
    });
    await pay({ amount: '120', method: 'card' }); // oldest due first: b (due Feb), then a
    await same('GET', `/api/v1/payments/${explicit.id}`);
    await same('GET', `/api/v1/payments?customer_id=${c.id}`);
    await same('GET', `/api/v1/invoices/${a.id}`);
    await same('GET', `/api/v1/invoices/${b.id}`);
    await same('GET', `/api/v1/invoices?customer_id=${c.id}`);
    await same('GET', '/api/v1/reports/aging?as_of=2025-02-05');
    await same('GET', '/api/v1/reports/aging?as_of=2025-06-30');
  }, 120_000);
});
