import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp } from '../../../test/helpers';
import { loginAs } from '../../../test/auth';
import { findOrganisationAsOwner } from '../../tenancy/index';
import { renderMail } from '../../notify/index';
import { withTenant } from '../../core/db';

// Sending an invoice (outbox mail + sent_at + timeline + audit in one transaction) and revoking a
// customer's portal access before its tokens expire (ADR 0032), against the real app, Postgres and Redis.

type Who = Awaited<ReturnType<typeof loginAs>>;
let app: FastifyInstance;
let finance: Who;
let reader: Who;
let slug: string;
let ip = 0;

const staff = (who: Who, method: string, path: string, body?: unknown) =>
  app.inject({
    method: method as 'POST',
    url: `/api/v1/tenants/${who.tenantId}/apar${path}`,
    headers: who.headers,
    ...(body === undefined ? {} : { payload: body as object }),
  });
const outbox = (to: string) =>
  app.db
    .selectFrom('identity.outbox')
    .select(['kind', 'subject', 'body', 'payload'])
    .where('to_email', '=', to)
    .orderBy('id', 'desc')
    .execute();
async function invoiceFor(customerId: number): Promise<number> {
  const res = await staff(finance, 'POST', '/invoices', {
    partyId: customerId,
    issueDate: '2026-03-01',
    dueDate: '2026-03-31',
    lines: [{ quantity: '3', unitPrice: '40', taxRate: '0.2' }],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: number }>().id;
}
async function linkToken(email: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/portal/${slug}/magic-links`,
    payload: { email },
    remoteAddress: `203.0.113.${++ip}`,
  });
  expect(res.statusCode).toBe(202);
  const [mail] = await outbox(email);
  const text = renderMail({ ...mail!, payload: mail!.payload as Record<string, unknown> }, 'https://fig.test').text;
  return /#token=([A-Za-z0-9_-]+)/.exec(text)![1]!;
}
const signIn = (token: string) =>
  app.inject({ method: 'POST', url: `/api/v1/portal/${slug}/sessions`, payload: { token } });
const me = (accessToken: string) =>
  app.inject({ method: 'GET', url: `/api/v1/portal/${slug}/me`, headers: { authorization: `Bearer ${accessToken}` } });

beforeAll(async () => {
  ({ app } = await buildTestApp());
  finance = await loginAs(app, { roles: ['finance'] });
  reader = await loginAs(app, { roles: ['readonly'], tenantId: finance.tenantId });
  slug = (await findOrganisationAsOwner(app.db, finance.tenantId))!.slug;
});
afterAll(async () => {
  await app?.close();
});

describe('send invoice', () => {
  it('mails the billing contact through the outbox, marks it sent, notes it on the timeline and audits it', async () => {
    const customer = await staff(finance, 'POST', '/customers', {
      name: 'Sendco',
      email: 'office@sendco.test',
      contacts: [
        { name: 'Sam Sales', email: 'sam@sendco.test' },
        { name: 'Bea Billing', email: 'bills@sendco.test', role: 'Billing' },
      ],
    });
    const customerId = customer.json<{ id: number }>().id;
    const id = await invoiceFor(customerId);

    expect((await staff(reader, 'POST', `/invoices/${id}/send`)).statusCode).toBe(403);
    const res = await staff(finance, 'POST', `/invoices/${id}/send`);
    expect(res.statusCode, res.body).toBe(200);
    const sent = res.json<{ sentAt: string | null; number: string; balance: string }>();
    expect(sent.sentAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(sent.balance).toBe('144');

    const mails = await outbox('bills@sendco.test');
    expect(mails.map((m) => m.kind)).toEqual(['invoice_sent']);
    expect(await outbox('sam@sendco.test')).toEqual([]);
    const rendered = renderMail(
      { ...mails[0]!, payload: mails[0]!.payload as Record<string, unknown> },
      'https://fig.test',
    );
    expect(rendered.subject).toContain(sent.number);
    expect(rendered.text).toContain('Amount due: 144 USD, by 2026-03-31');
    expect(rendered.text).toContain(`https://fig.test/portal/${slug}/invoices/${id}`);

    const timeline = await staff(finance, 'GET', `/invoices/${id}/timeline`);
    expect(timeline.json<{ data: { type: string; text: string }[] }>().data).toContainEqual(
      expect.objectContaining({ type: 'sent', text: `Invoice ${sent.number} sent to bills@sendco.test` }),
    );
    const audits = await withTenant(app.db, finance.tenantId, (trx) =>
      trx
        .selectFrom('audit.events')
        .select(['action', 'actor'])
        .where('action', '=', 'apar.invoice.send')
        .where('entity_id', '=', String(id))
        .execute(),
    );
    expect(audits).toEqual([{ action: 'apar.invoice.send', actor: finance.email }]);
  });

  it('refuses a customer with no email address (problem+json with a field path) and writes nothing', async () => {
    const customer = await staff(finance, 'POST', '/customers', { name: 'Nomail', contacts: [{ name: 'Ned' }] });
    const id = await invoiceFor(customer.json<{ id: number }>().id);
    const res = await staff(finance, 'POST', `/invoices/${id}/send`);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'APAR_NO_BILLING_EMAIL', errors: [{ path: 'customer.contacts' }] });
    expect((await staff(finance, 'GET', `/invoices/${id}`)).json<{ sentAt: null }>().sentAt).toBeNull();
    const notes = await staff(finance, 'GET', `/invoices/${id}/timeline`);
    expect(notes.json<{ data: { type: string }[] }>().data.map((e) => e.type)).not.toContain('sent');
  });
});

describe('portal access revocation', () => {
  it('ends every session and outstanding link of the customer at once; a new link works again', async () => {
    const customer = await staff(finance, 'POST', '/customers', {
      name: 'Revokee',
      contacts: [{ name: 'Rita', email: 'rita@revokee.test' }],
    });
    const customerId = customer.json<{ id: number }>().id;
    const session = await signIn(await linkToken('rita@revokee.test'));
    expect(session.statusCode, session.body).toBe(200);
    const token = session.json<{ accessToken: string }>().accessToken;
    expect((await me(token)).statusCode).toBe(200);
    const pending = await linkToken('rita@revokee.test'); // mailed, not yet used

    expect((await staff(reader, 'POST', `/customers/${customerId}/portal-revocation`)).statusCode).toBe(403);
    const revoked = await staff(finance, 'POST', `/customers/${customerId}/portal-revocation`);
    expect(revoked.statusCode, revoked.body).toBe(201);

    const refused = await me(token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'PORTAL_ACCESS_REVOKED' });
    expect((await signIn(pending)).statusCode).toBe(401);

    // The mark is kept in Postgres (the source; Redis holds a copy for the hot path).
    const marks = await withTenant(app.db, finance.tenantId, (trx) =>
      sql<{ n: string }>`select up_to_link_id::text as n from apar.portal_revocations where party_id = ${customerId}`.execute(trx),
    );
    expect(Number(marks.rows[0]!.n)).toBeGreaterThan(0);

    const again = await signIn(await linkToken('rita@revokee.test'));
    expect(again.statusCode, again.body).toBe(200);
    expect((await me(again.json<{ accessToken: string }>().accessToken)).statusCode).toBe(200);
    expect((await staff(finance, 'POST', `/customers/999999/portal-revocation`)).statusCode).toBe(404);
  });
});

describe('sorted lists (fig API)', () => {
  it('sorts by allow-listed fields with id breaking ties, and refuses an unknown field by path', async () => {
    const c = (await staff(finance, 'POST', '/customers', { name: 'Sorty' })).json<{ id: number }>().id;
    const made: number[] = [];
    for (const [price, due] of [['10', '2026-05-01'], ['30', '2026-04-01'], ['10', '2026-06-01']] as const) {
      const res = await staff(finance, 'POST', '/invoices', {
        partyId: c,
        issueDate: '2026-03-01',
        dueDate: due,
        lines: [{ quantity: '1', unitPrice: price }],
      });
      made.push(res.json<{ id: number }>().id);
    }
    const list = async (sort: string) => {
      const res = await staff(finance, 'GET', `/invoices?partyId=${c}&sort=${sort}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ data: { id: number }[] }>().data.map((d) => d.id);
    };
    expect(await list('-amount')).toEqual([made[1], made[0], made[2]]);
    expect(await list('amount,-dueDate')).toEqual([made[2], made[0], made[1]]);
    expect(await list('-id')).toEqual([...made].reverse());
    const names = (await staff(finance, 'GET', '/customers?sort=-name&limit=200')).json<{ data: { name: string }[] }>().data.map((p) => p.name);
    expect(names).toEqual([...names].sort().reverse());
    const bad = await staff(finance, 'GET', '/invoices?sort=-secret');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('querystring.sort');
    expect((await staff(finance, 'GET', '/payments-received?sort=-date')).statusCode).toBe(200);
  });
});
