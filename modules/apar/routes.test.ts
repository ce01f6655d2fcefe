import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp } from '../../test/helpers';
import { loginAs } from '../../test/auth';
import { withTenant } from '../core/db';

type Who = { headers: { authorization: string }; tenantId: string; email: string; userId: string };

let app: FastifyInstance;
let finance: Who; // tenant A: apar.read, apar.write, apar.writeoff, apar.settings
let auditor: Who; // tenant A: apar.read only
let hr: Who; // tenant A: no apar permission
let stranger: Who; // tenant B admin

const problem = (
  status: number,
  code: string,
  detail: string | RegExp,
  extra: Record<string, unknown> = {},
) => ({
  type: `https://fig.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
  title: {
    400: 'Bad Request',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    422: 'Unprocessable Content',
  }[status],
  status,
  code,
  detail: typeof detail === 'string' ? detail : expect.stringMatching(detail),
  instance: expect.any(String),
  request_id: expect.any(String),
  ...extra,
});

async function api(who: Who, method: string, path: string, body?: unknown) {
  const res = await app.inject({
    method: method as 'GET',
    url: `/api/v1/tenants/${who.tenantId}/apar${path}`,
    headers: who.headers,
    ...(body === undefined ? {} : { payload: body as object }),
  });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}
const count = (tenantId: string, table: string) =>
  withTenant(app.db, tenantId, async (trx) =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(trx)).rows[0]!.n),
  );

beforeAll(async () => {
  ({ app } = await buildTestApp());
  finance = await loginAs(app, { roles: ['finance'] });
  auditor = await loginAs(app, { roles: ['auditor'], tenantId: finance.tenantId });
  hr = await loginAs(app, { roles: ['hr'], tenantId: finance.tenantId });
  stranger = await loginAs(app, { roles: ['admin'] });
});
afterAll(() => app?.close());

const line = (quantity: string, unitPrice: string, taxRate = '0') => ({ quantity, unitPrice, taxRate });

describe('AP/AR API', () => {
  it('posts invoices with lines, numbers them without gaps, and applies a split payment leaving credit', async () => {
    const customer = await api(finance, 'POST', '/customers', {
      name: 'Acme Buyer',
      email: 'ap@buyer.test',
      contacts: [{ name: 'Pat Payables', email: 'pat@buyer.test', role: 'AP clerk' }],
    });
    expect(customer).toEqual({
      status: 201,
      body: {
        id: 1,
        kind: 'customer',
        name: 'Acme Buyer',
        email: 'ap@buyer.test',
        createdAt: expect.any(String),
        balance: '0',
        contacts: [
          {
            id: expect.any(Number),
            name: 'Pat Payables',
            email: 'pat@buyer.test',
            phone: null,
            role: 'AP clerk',
            createdAt: expect.any(String),
          },
        ],
      },
    });
    const inv1 = await api(finance, 'POST', '/invoices', {
      partyId: 1,
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
      lines: [line('3', '19.99', '0.2'), line('1', '0.015', '0.075')],
    });
    expect(inv1.status).toBe(201);
    // 59.97 + 11.994→11.99 tax; 0.015 + 0.001125→0.00 tax
    expect(inv1.body).toMatchObject({
      id: 1,
      number: 'INV-000001',
      subtotal: '59.985',
      taxTotal: '11.99',
      amount: '71.975',
      balance: '71.975',
      status: 'open',
      amountPaid: '0',
    });
    expect(inv1.body.lines[0]).toEqual({
      position: 1,
      description: '',
      quantity: '3',
      unitPrice: '19.99',
      taxRate: '0.2',
      net: '59.97',
      tax: '11.99',
      total: '71.96',
    });
    // A refused post (unknown customer) takes no number.
    const refused = await api(finance, 'POST', '/invoices', {
      partyId: 99,
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
      lines: [line('1', '5')],
    });
    expect(refused).toEqual({
      status: 404,
      body: problem(404, 'FIG_NOT_FOUND', 'Customer 99 was not found'),
    });
    const inv2 = await api(finance, 'POST', '/invoices', {
      partyId: 1,
      issueDate: '2026-01-05',
      dueDate: '2026-02-15',
      lines: [line('1', '100')],
    });
    expect(inv2.body).toMatchObject({ id: 2, number: 'INV-000002' });

    const pay = await api(finance, 'POST', '/payments-received', {
      partyId: 1,
      amount: '150',
      date: '2026-02-01',
      allocations: [
        { documentId: 1, amount: '71.975' },
        { documentId: 2, amount: '40' },
      ],
    });
    expect(pay.status).toBe(201);
    expect(pay.body).toMatchObject({
      id: 1,
      applied: '111.975',
      unapplied: '38.025',
      allocations: [
        { documentId: 1, amount: '71.975', date: '2026-02-01' },
        { documentId: 2, amount: '40', date: '2026-02-01' },
      ],
    });
    expect((await api(finance, 'GET', '/invoices/2')).body).toMatchObject({
      balance: '60',
      amountPaid: '40',
      status: 'partial',
    });
    // The credit left on the payment is applied later; the party's balance is the ledger's sum.
    const later = await api(finance, 'POST', '/payments-received/1/allocations', {
      allocations: [{ documentId: 2, amount: '38.025' }],
      date: '2026-02-20',
    });
    expect(later.body).toMatchObject({ unapplied: '0', applied: '150' });
    expect((await api(auditor, 'GET', '/customers/1')).body.balance).toBe('21.975');

    const aging = await api(auditor, 'GET', '/aging?asOf=2026-02-10');
    expect(aging.body).toMatchObject({
      asOf: '2026-02-10',
      side: 'AR',
      baseCurrency: 'USD',
      baseTotal: '60',
      count: 1,
      buckets: [
        { bucket: 'current', amount: '60', count: 1 },
        { bucket: '1-30' },
        { bucket: '31-60' },
        { bucket: '61-90' },
        { bucket: '90+' },
      ],
    });
    const statement = await api(auditor, 'GET', '/customers/1/statement?from=2026-01-01&to=2026-02-28');
    expect(statement.body).toMatchObject({
      opening: '0',
      closing: '21.975',
      entries: [
        { sourceKind: 'invoice', amount: '71.975' },
        { sourceKind: 'invoice', amount: '100' },
        { sourceKind: 'received', amount: '-150', balance: '21.975' },
      ],
    });
  });

  it("refuses over-allocation, another party's document and a currency mismatch, writing nothing", async () => {
    const t = finance.tenantId;
    await api(finance, 'POST', '/customers', { name: 'Other' });
    const eur = await api(finance, 'POST', '/invoices', {
      partyId: 2,
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
      currency: 'EUR',
      exchangeRate: '1.1',
      lines: [line('1', '10')],
    });
    const before = {
      ledger: await count(t, 'apar.ledger'),
      payments: await count(t, 'apar.payments'),
      audit: await count(t, 'audit.events'),
    };
    const over = await api(finance, 'POST', '/payments-received', {
      partyId: 1,
      amount: '500',
      date: '2026-03-01',
      allocations: [{ documentId: 2, amount: '21.976' }],
    });
    expect(over).toEqual({
      status: 422,
      body: problem(422, 'APAR_ALLOCATION_REFUSED', 'amount exceeds the invoice balance of 21.975', {
        errors: [
          {
            path: 'body.allocations[0].amount',
            message: 'amount exceeds the invoice balance of 21.975',
            code: 'balance',
          },
        ],
      }),
    });
    const theirs = await api(finance, 'POST', '/payments-received', {
      partyId: 1,
      amount: '5',
      date: '2026-03-01',
      allocations: [{ documentId: eur.body.id, amount: '1' }],
    });
    expect(theirs.body.errors).toEqual([
      {
        path: 'body.allocations[0].documentId',
        message: 'invoice belongs to another customer',
        code: 'party',
      },
    ]);
    const currency = await api(finance, 'POST', '/payments-received', {
      partyId: 2,
      amount: '5',
      date: '2026-03-01',
      allocations: [{ documentId: eur.body.id, amount: '1' }],
    });
    expect(currency.body.errors).toEqual([
      { path: 'body.allocations[0].documentId', message: 'invoice is in EUR, not USD', code: 'currency' },
    ]);
    const total = await api(finance, 'POST', '/payments-received', {
      partyId: 1,
      amount: '1',
      date: '2026-03-01',
      allocations: [{ documentId: 2, amount: '2' }],
    });
    expect(total.body.errors).toEqual([
      { path: 'body.allocations', message: 'allocations exceed the payment amount', code: 'total' },
    ]);
    expect({
      ledger: await count(t, 'apar.ledger'),
      payments: await count(t, 'apar.payments'),
      audit: await count(t, 'audit.events'),
    }).toEqual(before);

    const bad = await api(finance, 'POST', '/invoices', {
      partyId: 0,
      issueDate: '2026-02-01',
      dueDate: '2026-01-01',
      lines: [{ quantity: '-1', unitPrice: '1.5e3' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject(problem(400, 'FIG_VALIDATION', /invalid field/));
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.dueDate',
      'body.lines[0].quantity',
      'body.lines[0].unitPrice',
      'body.partyId',
    ]);
  });

  it("reports aging in the tenant's buckets with base-currency totals, and writes off with a reason", async () => {
    expect(
      (await api(auditor, 'PUT', '/settings', { baseCurrency: 'USD', agingBuckets: [15, 45] })).status,
    ).toBe(403);
    expect(
      (await api(finance, 'PUT', '/settings', { baseCurrency: 'USD', agingBuckets: [15, 45] })).body,
    ).toEqual({ baseCurrency: 'USD', agingBuckets: [15, 45] });
    const aging = await api(finance, 'GET', '/aging?asOf=2026-03-10');
    expect(aging.body.buckets.map((b: { bucket: string }) => b.bucket)).toEqual([
      'current',
      '1-15',
      '16-45',
      '45+',
    ]);
    // invoice 2 (USD 21.975, due Feb 15: 23 days) and the EUR 10 @1.1 (due Jan 31: 38 days)
    expect(aging.body).toMatchObject({
      baseTotal: '32.975',
      count: 2,
      currencies: [
        { currency: 'EUR', total: '10', baseTotal: '11' },
        { currency: 'USD', total: '21.975', baseTotal: '21.975' },
      ],
    });
    expect(aging.body.buckets[2]).toEqual({
      bucket: '16-45',
      amount: '31.975',
      baseAmount: '32.975',
      count: 2,
    });
    // As of a past date the later allocation (Feb 20) had not happened yet.
    expect(
      (await api(finance, 'GET', '/aging?asOf=2026-02-19')).body.parties.find(
        (p: { id: number }) => p.id === 1,
      ).baseTotal,
    ).toBe('60');

    const noReason = await api(finance, 'POST', '/write-offs', {
      documentKind: 'invoice',
      documentId: 2,
      amount: '1',
      reason: ' ',
      date: '2026-03-10',
    });
    expect(noReason.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.reason']);
    expect(
      (
        await api(auditor, 'POST', '/write-offs', {
          documentKind: 'invoice',
          documentId: 2,
          amount: '1',
          reason: 'small balance',
          date: '2026-03-10',
        })
      ).body,
    ).toEqual(problem(403, 'FIG_FORBIDDEN', /permission/));
    const off = await api(finance, 'POST', '/write-offs', {
      documentKind: 'invoice',
      documentId: 2,
      amount: '21.975',
      reason: 'small balance',
      date: '2026-03-10',
    });
    expect(off.body).toMatchObject({ balance: '0', status: 'paid' });
  });

  it('applies a credit note, paginates, and keeps tenants and permissions apart', async () => {
    const note = await api(finance, 'POST', '/credit-notes', {
      partyId: 2,
      issueDate: '2026-03-01',
      dueDate: '2026-03-01',
      currency: 'EUR',
      lines: [line('1', '4')],
    });
    expect(note.body).toMatchObject({ number: 'CN-000001', balance: '4', status: 'open' });
    const applied = await api(finance, 'POST', `/credit-notes/${note.body.id}/applications`, {
      allocations: [{ documentId: 3, amount: '4' }],
      date: '2026-03-02',
    });
    expect(applied.body).toMatchObject({ balance: '0', status: 'paid' });
    expect((await api(finance, 'GET', '/invoices/3')).body.balance).toBe('6');

    const first = await api(auditor, 'GET', '/invoices?limit=2');
    expect(first.body).toMatchObject({ total: 3, hasMore: true, data: [{ id: 1 }, { id: 2 }] });
    const second = await api(auditor, 'GET', `/invoices?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ total: 3, hasMore: false, nextCursor: null, data: [{ id: 3 }] });
    expect(
      (await api(auditor, 'GET', '/invoices?status=paid')).body.data.map((d: { id: number }) => d.id),
    ).toEqual([1, 2]);

    expect((await api(hr, 'GET', '/invoices')).body).toEqual(problem(403, 'FIG_FORBIDDEN', /permission/));
    const other = await app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${finance.tenantId}/apar/invoices`,
      headers: stranger.headers,
    });
    expect(other.statusCode).toBe(404);
    expect((await api(stranger, 'GET', '/invoices')).body.total).toBe(0);
    expect((await api(stranger, 'GET', '/invoices/1')).status).toBe(404);
  });
  it("applies a vendor credit to a bill on the AP side, refusing another vendor's bill", async () => {
    const v = (await api(finance, 'POST', '/vendors', { name: 'Credit Supplies' })).body;
    const w = (await api(finance, 'POST', '/vendors', { name: 'Other Supplies' })).body;
    const bill = (
      await api(finance, 'POST', '/bills', {
        partyId: v.id,
        issueDate: '2026-02-01',
        dueDate: '2026-02-10',
        lines: [line('2', '50')],
      })
    ).body;
    const other = (
      await api(finance, 'POST', '/bills', {
        partyId: w.id,
        issueDate: '2026-02-01',
        dueDate: '2026-02-10',
        lines: [line('1', '5')],
      })
    ).body;
    const vc = await api(finance, 'POST', '/vendor-credits', {
      partyId: v.id,
      issueDate: '2026-02-05',
      dueDate: '2026-02-05',
      lines: [line('1', '30')],
    });
    expect(vc.body).toMatchObject({
      kind: 'vendor_credit',
      number: expect.stringMatching(/^VC-/),
      balance: '30',
    });
    expect((await api(finance, 'GET', `/vendors/${v.id}`)).body.balance).toBe('70');
    const refused = await api(finance, 'POST', `/vendor-credits/${vc.body.id}/applications`, {
      allocations: [{ documentId: other.id, amount: '5' }],
    });
    expect(refused.status).toBe(422);
    const applied = await api(finance, 'POST', `/vendor-credits/${vc.body.id}/applications`, {
      allocations: [{ documentId: bill.id, amount: '30' }],
      date: '2026-02-06',
    });
    expect(applied.body).toMatchObject({ balance: '0', status: 'paid' });
    expect((await api(finance, 'GET', `/bills/${bill.id}`)).body.balance).toBe('70');
    expect((await api(finance, 'GET', `/vendors/${v.id}`)).body.balance).toBe('70');
    const aging = (await api(finance, 'GET', '/aging?asOf=2026-02-06&side=AP')).body;
    expect(aging.parties.find((p: { id: number }) => p.id === v.id).baseTotal).toBe('70');
  });
});
