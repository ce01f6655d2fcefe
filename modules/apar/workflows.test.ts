import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp } from '../../test/helpers';
import { loginAs } from '../../test/auth';
import { pdfText } from '../../test/pdf-text';
import { withTenant } from '../core/db';

type Who = { headers: { authorization: string }; tenantId: string; email: string; userId: string };

let app: FastifyInstance;
let finance: Who;
let finance2: Who;
let manager: Who;
let auditor: Who;

async function api(who: Who, method: string, path: string, body?: unknown) {
  const res = await app.inject({
    method: method as 'GET',
    url: `/api/v1/tenants/${who.tenantId}/apar${path}`,
    headers: who.headers,
    ...(body === undefined ? {} : { payload: body as object }),
  });
  const json = res.headers['content-type']?.toString().includes('json') && res.body ? res.json() : undefined;
  return { status: res.statusCode, body: json, raw: res.rawPayload, headers: res.headers };
}
const count = (table: string) =>
  withTenant(app.db, finance.tenantId, async (trx) =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(trx)).rows[0]!.n),
  );
const line = (quantity: string, unitPrice: string) => ({ quantity, unitPrice, taxRate: '0' });

beforeAll(async () => {
  ({ app } = await buildTestApp());
  finance = await loginAs(app, { roles: ['finance'] });
  finance2 = await loginAs(app, { roles: ['finance'], tenantId: finance.tenantId });
  manager = await loginAs(app, { roles: ['manager'], tenantId: finance.tenantId });
  auditor = await loginAs(app, { roles: ['auditor'], tenantId: finance.tenantId });
});
afterAll(() => app?.close());

describe('bill approval through modules/approvals (policy ap-bill)', () => {
  it('refuses payment until approved, refuses the wrong role with the role needed, and pays once approved', async () => {
    const v = (await api(finance, 'POST', '/vendors', { name: 'Big Supplier' })).body;
    const bill = (
      await api(finance, 'POST', '/bills', {
        partyId: v.id,
        issueDate: '2026-03-01',
        dueDate: '2026-03-31',
        lines: [line('1', '12000')],
      })
    ).body;
    expect(bill.approval).toBe('draft');
    const pay = {
      partyId: v.id,
      amount: '12000',
      date: '2026-03-10',
      allocations: [{ documentId: bill.id, amount: '12000' }],
    };
    const before = await count('apar.payments');
    const early = await api(finance, 'POST', '/bill-payments', pay);
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({
      code: 'APAR_ALLOCATION_REFUSED',
      errors: [
        {
          path: 'body.allocations[0].documentId',
          message: expect.stringMatching(/not approved.*cannot be paid until approved/),
          code: 'not_approved',
        },
      ],
    });
    expect(await count('apar.payments')).toBe(before);

    const submitted = await api(finance, 'POST', `/bills/${bill.id}/approval`);
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({
      billId: bill.id,
      approval: 'pending',
      instance: { status: 'pending' },
    });
    // above 10,000: manager → finance → a second finance person
    expect((submitted.body.instance as { steps: unknown[] }).steps).toHaveLength(3);
    expect((await api(finance, 'POST', `/bills/${bill.id}/approval`)).body).toMatchObject({
      status: 409,
      code: 'APAR_BILL_APPROVAL_STATE',
      errors: [{ path: 'params.id', code: 'pending' }],
    });

    const wrong = await api(finance, 'POST', `/bills/${bill.id}/approval/decisions`, { decision: 'approve' });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({
      code: 'APPROVAL_WRONG_ROLE',
      detail: expect.stringMatching(/manager role/),
    });

    expect(
      (await api(manager, 'POST', `/bills/${bill.id}/approval/decisions`, { decision: 'approve' })).status,
    ).toBe(201);
    expect(
      (await api(finance, 'POST', `/bills/${bill.id}/approval/decisions`, { decision: 'approve' })).body
        .approval,
    ).toBe('pending');
    expect((await api(finance, 'POST', '/bill-payments', pay)).status).toBe(422);
    const last = await api(finance2, 'POST', `/bills/${bill.id}/approval/decisions`, {
      decision: 'approve',
      comment: 'ok',
    });
    expect(last.body).toMatchObject({ approval: 'approved', instance: { status: 'approved' } });

    const paid = await api(finance, 'POST', '/bill-payments', pay);
    expect(paid.status).toBe(201);
    expect((await api(finance, 'GET', `/bills/${bill.id}`)).body).toMatchObject({
      status: 'paid',
      approval: 'approved',
    });
    const actions = await withTenant(app.db, finance.tenantId, async (trx) =>
      (
        await sql<{
          action: string;
        }>`select action from audit.events where entity = 'bill' and entity_id = ${String(bill.id)} order by id`.execute(
          trx,
        )
      ).rows.map((r) => r.action),
    );
    expect(actions).toEqual(
      expect.arrayContaining(['apar.bill.post', 'apar.bill.submit', 'apar.bill.approve']),
    );
  });

  it('puts a rejected bill back to draft with the reason', async () => {
    const v = (await api(finance, 'POST', '/vendors', { name: 'Small Supplier' })).body;
    const bill = (
      await api(finance, 'POST', '/bills', {
        partyId: v.id,
        issueDate: '2026-03-01',
        dueDate: '2026-03-31',
        lines: [line('1', '80')],
      })
    ).body;
    await api(finance, 'POST', `/bills/${bill.id}/approval`);
    const rejected = await api(manager, 'POST', `/bills/${bill.id}/approval/decisions`, {
      decision: 'reject',
      comment: 'wrong project',
    });
    expect(rejected.body).toMatchObject({ approval: 'draft', instance: { status: 'rejected' } });
  });
});

describe('collections, timelines, saved views, exports', () => {
  it('lists overdue customers with their promise and note, and a timeline per customer and per invoice', async () => {
    const cu = (await api(finance, 'POST', '/customers', { name: 'Slow Payer' })).body;
    const inv = (
      await api(finance, 'POST', '/invoices', {
        partyId: cu.id,
        issueDate: '2026-01-01',
        dueDate: '2026-01-31',
        lines: [line('1', '500')],
        description: '=HYPERLINK("x")',
      })
    ).body;
    await api(finance, 'POST', '/invoices', {
      partyId: cu.id,
      issueDate: '2026-02-01',
      dueDate: '2026-06-30',
      lines: [line('1', '50')],
    });
    await api(finance, 'POST', `/customers/${cu.id}/activities`, {
      type: 'sent',
      documentKind: 'invoice',
      documentId: inv.id,
      text: 'emailed',
    });
    await api(finance, 'POST', '/payments-received', {
      partyId: cu.id,
      amount: '100',
      date: '2026-02-15',
      allocations: [{ documentId: inv.id, amount: '100' }],
    });
    const cn = (
      await api(finance, 'POST', '/credit-notes', {
        partyId: cu.id,
        issueDate: '2026-02-16',
        dueDate: '2026-02-16',
        lines: [line('1', '50')],
      })
    ).body;
    await api(finance, 'POST', `/credit-notes/${cn.id}/applications`, {
      allocations: [{ documentId: inv.id, amount: '50' }],
      date: '2026-02-16',
    });
    await api(finance, 'POST', '/write-offs', {
      documentKind: 'invoice',
      documentId: inv.id,
      amount: '10',
      reason: 'bank fee',
      date: '2026-02-17',
    });
    await api(finance, 'POST', `/customers/${cu.id}/activities`, {
      type: 'note',
      text: 'called, AP clerk on leave',
    });
    const promised = await api(finance, 'POST', `/customers/${cu.id}/activities`, {
      type: 'promise',
      promisedDate: '2026-03-15',
      promisedAmount: '340',
      documentKind: 'invoice',
      documentId: inv.id,
    });
    expect(promised.status).toBe(201);
    const badPromise = await api(finance, 'POST', `/customers/${cu.id}/activities`, { type: 'promise' });
    expect(badPromise.body).toMatchObject({ status: 400, errors: [{ path: 'body.promisedDate' }] });

    const col = await api(auditor, 'GET', '/collections?asOf=2026-03-01');
    const row = col.body.data.find((r: { customerId: number }) => r.customerId === cu.id);
    expect(row).toMatchObject({
      overdueCount: 1,
      overdueBaseTotal: '340',
      oldestDueDate: '2026-01-31',
      daysOverdue: 29,
      promise: { date: '2026-03-15', amount: '340' },
      lastNote: { text: 'called, AP clerk on leave' },
      invoices: [{ id: inv.id, balance: '340', daysOverdue: 29 }],
    });
    const types = (await api(auditor, 'GET', `/invoices/${inv.id}/timeline`)).body.data.map(
      (e: { type: string }) => e.type,
    );
    expect(types).toEqual(['created', 'payment', 'credit', 'write_off', 'sent', 'promise']);
    const party = (await api(auditor, 'GET', `/customers/${cu.id}/timeline`)).body.data.map(
      (e: { type: string }) => e.type,
    );
    expect(party).toEqual(
      expect.arrayContaining(['created', 'sent', 'payment', 'credit', 'write_off', 'note', 'promise']),
    );
    expect(
      (await api(auditor, 'POST', `/customers/${cu.id}/activities`, { type: 'note', text: 'x' })).status,
    ).toBe(403);

    const csv = await api(auditor, 'GET', `/invoices/export?format=csv&partyId=${cu.id}`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const text = csv.raw.toString('utf8');
    expect(text.split('\r\n')[0]).toBe(
      'id,number,party_id,issue_date,due_date,currency,amount,amount_paid,balance,status,approval,description',
    );
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    const xlsx = await api(auditor, 'GET', '/invoices/export?format=xlsx');
    expect(xlsx.raw.subarray(0, 2).toString()).toBe('PK');
    const aging = await api(auditor, 'GET', '/aging/export?asOf=2026-03-01&format=csv');
    expect(aging.raw.toString()).toMatch(/^party_id,name,current \(USD\)/);
    const pdf = await api(auditor, 'GET', `/customers/${cu.id}/statement.pdf?from=2026-01-01&to=2026-02-28`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const words = pdfText(pdf.raw);
    expect(words).toContain('Statement of account');
    expect(words).toContain('Closing balance on 2026-02-28: 390');
  });

  it("keeps saved views per user: another user's are not listed or editable, names are unique per list", async () => {
    const body = {
      list: 'invoices',
      name: 'Overdue EUR',
      filters: { status: 'open', currency: 'EUR' },
      sort: [{ field: 'dueDate', dir: 'asc' }],
    };
    const created = await api(finance, 'POST', '/saved-views', body);
    expect(created).toMatchObject({ status: 201, body: { ...body, id: expect.any(String) } });
    expect((await api(finance, 'POST', '/saved-views', body)).body).toMatchObject({
      status: 409,
      code: 'APAR_VIEW_EXISTS',
      errors: [{ path: 'body.name' }],
    });
    expect((await api(finance, 'GET', '/saved-views?list=invoices')).body.data).toHaveLength(1);
    expect((await api(finance2, 'GET', '/saved-views')).body.data).toHaveLength(0);
    expect((await api(finance2, 'PUT', `/saved-views/${created.body.id}`, body)).status).toBe(404);
    const bad = await api(finance, 'POST', '/saved-views', {
      list: 'nope',
      name: '',
      sort: [{ field: 'x', dir: 'up' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.list',
      'body.name',
      'body.sort[0].dir',
    ]);
    const renamed = await api(finance, 'PUT', `/saved-views/${created.body.id}`, {
      ...body,
      name: 'Renamed',
    });
    expect(renamed.body.name).toBe('Renamed');
    expect((await api(finance, 'DELETE', `/saved-views/${created.body.id}`)).status).toBe(204);
    expect((await api(finance, 'GET', '/saved-views')).body.data).toHaveLength(0);
  });
});

describe('bad input writes nothing and names the field', () => {
  it('refuses over-allocation, payments above the open balance, currency mismatches and edits to posted documents', async () => {
    const cu = (await api(finance, 'POST', '/customers', { name: 'Careful Buyer' })).body;
    const usd = (
      await api(finance, 'POST', '/invoices', {
        partyId: cu.id,
        issueDate: '2026-01-01',
        dueDate: '2026-01-31',
        lines: [line('1', '100')],
      })
    ).body;
    const eur = (
      await api(finance, 'POST', '/invoices', {
        partyId: cu.id,
        issueDate: '2026-01-01',
        dueDate: '2026-01-31',
        currency: 'EUR',
        exchangeRate: '1.1',
        lines: [line('1', '100')],
      })
    ).body;
    const tables = ['apar.payments', 'apar.allocations', 'apar.ledger', 'audit.events'];
    const snapshot = async () => Promise.all(tables.map(count));
    const before = await snapshot();
    const pay = (allocations: unknown, amount = '100') =>
      api(finance, 'POST', '/payments-received', { partyId: cu.id, amount, date: '2026-02-01', allocations });

    const over = await pay([{ documentId: usd.id, amount: '60' }], '50');
    expect(over.body).toMatchObject({
      status: 422,
      code: 'APAR_ALLOCATION_REFUSED',
      errors: [{ path: 'body.allocations', code: 'total' }],
    });
    const above = await pay([{ documentId: usd.id, amount: '100.01' }], '200');
    expect(above.body).toMatchObject({
      status: 422,
      errors: [
        {
          path: 'body.allocations[0].amount',
          message: 'amount exceeds the invoice balance of 100',
          code: 'balance',
        },
      ],
    });
    const currency = await pay([
      { documentId: usd.id, amount: '10' },
      { documentId: eur.id, amount: '10' },
    ]);
    expect(currency.body).toMatchObject({
      status: 422,
      errors: [
        { path: 'body.allocations[1].documentId', message: 'invoice is in EUR, not USD', code: 'currency' },
      ],
    });
    const edit = await api(finance, 'PATCH', `/invoices/${usd.id}`, {
      lines: [line('1', '1')],
      dueDate: '2026-05-01',
    });
    expect(edit.body).toMatchObject({
      status: 409,
      code: 'APAR_POSTED_IMMUTABLE',
      detail:
        'A posted invoice cannot be changed (only its description can); issue a credit note or write-off instead',
      errors: [
        { path: 'body.lines', code: 'posted' },
        { path: 'body.dueDate', code: 'posted' },
      ],
    });
    expect(await snapshot()).toEqual(before);
    const described = await api(finance, 'PATCH', `/invoices/${usd.id}`, { description: 'PO 77' });
    expect(described.body).toMatchObject({ description: 'PO 77', amount: '100' });
  });
});
