import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp, ownerDb } from '../../../test/helpers';
import { loginAs } from '../../../test/auth';
import { pdfText } from '../../../test/pdf-text';
import { findOrganisationAsOwner } from '../../tenancy/index';
import { renderMail } from '../../notify/index';
import type { Db } from '../../core/db';

type Who = Awaited<ReturnType<typeof loginAs>>;

let app: FastifyInstance;
let owner: Db;
let finance: Who;
let slug: string;
let otherSlug: string;
const ids = {
  mine: 0,
  theirs: 0,
  invoices: [] as number[],
  theirInvoice: 0,
  creditNote: 0,
  payment: 0,
  theirPayment: 0,
};

const problem = (res: LightMyRequestResponse) => {
  const {
    instance: _i,
    request_id: _r,
    type: _t,
    title: _ti,
    ...rest
  } = res.json() as Record<string, unknown>;
  return { status: res.statusCode, ...rest };
};
let ipN = 0;
const requestLink = (email: string, s = slug, remoteAddress = `198.51.100.${++ipN}`) =>
  app.inject({ method: 'POST', url: `/api/v1/portal/${s}/magic-links`, payload: { email }, remoteAddress });
const signIn = (token: string, s = slug) =>
  app.inject({ method: 'POST', url: `/api/v1/portal/${s}/sessions`, payload: { token } });
const portal = (token: string, path: string, s = slug) =>
  app.inject({
    method: 'GET',
    url: `/api/v1/portal/${s}${path}`,
    headers: { authorization: `Bearer ${token}` },
  });
async function staff(method: string, path: string, body?: unknown) {
  const res = await app.inject({
    method: method as 'POST',
    url: `/api/v1/tenants/${finance.tenantId}/apar${path}`,
    headers: finance.headers,
    ...(body === undefined ? {} : { payload: body as object }),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as { id: number; number: string; contacts: { id: number }[] };
}
/** The token of the newest portal link mailed to `to`, read from the outbox like the mail shows it. */
async function mailedToken(to: string): Promise<string> {
  const mail = await app.db
    .selectFrom('identity.outbox')
    .select(['kind', 'subject', 'body', 'payload'])
    .where('to_email', '=', to)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const rendered = renderMail(
    { ...mail, payload: mail.payload as Record<string, unknown> },
    'https://fig.test',
  );
  const link = new RegExp(`https://fig\\.test/portal/${slug}/sign-in#token=([A-Za-z0-9_-]+)`).exec(
    rendered.text,
  );
  expect(link, rendered.text).not.toBeNull();
  return link![1]!;
}
async function signedIn(): Promise<string> {
  expect((await requestLink('pat@buyer.test')).statusCode).toBe(202);
  const res = await signIn(await mailedToken('Pat@Buyer.test'));
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
}

beforeAll(async () => {
  let config;
  ({ app, config } = await buildTestApp({ PORTAL_LINKS_PER_ADDRESS: '5', PORTAL_LINKS_PER_IP: '4' }));
  owner = ownerDb(config);
  finance = await loginAs(app, { roles: ['finance'] });
  slug = (await findOrganisationAsOwner(app.db, finance.tenantId))!.slug;
  const other = await loginAs(app, { roles: ['finance'] });
  otherSlug = (await findOrganisationAsOwner(app.db, other.tenantId))!.slug;
  // The same address is a contact in the other organisation too: its link must not open this portal.
  await app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${other.tenantId}/apar/customers`,
    headers: other.headers,
    payload: { name: 'Elsewhere Ltd', contacts: [{ name: 'Pat', email: 'pat@buyer.test' }] },
  });

  ids.mine = (
    await staff('POST', '/customers', {
      name: 'Buyer & Co',
      contacts: [{ name: 'Pat Payables', email: 'Pat@Buyer.test' }],
    })
  ).id;
  ids.theirs = (
    await staff('POST', '/customers', {
      name: 'Rival Inc',
      contacts: [{ name: 'Rui', email: 'rui@rival.test' }],
    })
  ).id;
  const invoice = (partyId: number, unitPrice: string, issueDate: string) =>
    staff('POST', '/invoices', {
      partyId,
      issueDate,
      dueDate: issueDate.replace(/-\d\d$/, '-28'),
      currency: 'EUR',
      lines: [
        { description: 'Consulting', quantity: '2', unitPrice, taxRate: '0.2' },
        { description: 'Travel', quantity: '1', unitPrice: '100' },
      ],
    });
  ids.invoices = [
    (await invoice(ids.mine, '1000', '2026-01-05')).id,
    (await invoice(ids.mine, '250.5', '2026-02-05')).id,
  ];
  ids.theirInvoice = (await invoice(ids.theirs, '999', '2026-01-07')).id;
  ids.creditNote = (
    await staff('POST', '/credit-notes', {
      partyId: ids.mine,
      issueDate: '2026-02-10',
      dueDate: '2026-02-10',
      currency: 'EUR',
      lines: [{ quantity: '1', unitPrice: '50' }],
    })
  ).id;
  ids.payment = (
    await staff('POST', '/payments-received', {
      partyId: ids.mine,
      amount: '1000',
      date: '2026-02-15',
      currency: 'EUR',
      allocations: [{ documentId: ids.invoices[0], amount: '1000' }],
    })
  ).id;
  ids.theirPayment = (
    await staff('POST', '/payments-received', {
      partyId: ids.theirs,
      amount: '10',
      date: '2026-02-15',
      currency: 'EUR',
    })
  ).id;
});
afterAll(async () => {
  await owner?.destroy();
  await app?.close();
});

describe('client portal sign-in by magic link', () => {
  it('mails a link to a customer contact and answers any other address, or an unknown portal, the same way', async () => {
    const known = await requestLink('PAT@buyer.test');
    const unknown = await requestLink('nobody@buyer.test');
    const noPortal = await requestLink('pat@buyer.test', 'no-such-org');
    for (const res of [known, unknown, noPortal])
      expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 202, body: known.json() });
    expect(known.json()).toEqual({
      accepted: true,
      message: expect.stringContaining('If this address belongs to a customer contact'),
    });

    const mails = await app.db
      .selectFrom('identity.outbox')
      .select(['kind', 'to_email', 'payload'])
      .where('to_email', 'in', ['Pat@Buyer.test', 'nobody@buyer.test'])
      .execute();
    expect(mails).toEqual([
      {
        kind: 'magic_link',
        to_email: 'Pat@Buyer.test',
        payload: {
          path: `/portal/${slug}/sign-in`,
          organisation: expect.any(String),
          contactId: expect.any(String),
        },
      },
    ]);
    const token = await mailedToken('Pat@Buyer.test');
    // At rest only the sha256: the raw token is nowhere in the link table.
    const rows = await owner
      .selectFrom('apar.portal_magic_links')
      .selectAll()
      .where('tenant_id', '=', finance.tenantId)
      .execute();
    expect(rows.map((r) => r.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    const link = rows.find((r) => r.token_hash === createHash('sha256').update(token).digest('hex'))!;
    expect(link.expires_at.getTime() - link.created_at.getTime()).toBeGreaterThan(14 * 60_000);
    expect(link.expires_at.getTime() - link.created_at.getTime()).toBeLessThanOrEqual(15 * 60_000 + 1000);
  });

  it('signs in once: a portal token for the contact’s customer, then the same link is refused', async () => {
    await requestLink('pat@buyer.test');
    const token = await mailedToken('Pat@Buyer.test');
    const first = await signIn(token);
    expect(first.statusCode, first.body).toBe(200);
    const session = first.json<{ accessToken: string; expiresIn: number }>();
    expect(session).toEqual({
      accessToken: expect.any(String),
      expiresIn: 3600,
      organisation: { name: expect.any(String), slug },
      customer: { id: ids.mine, name: 'Buyer & Co' },
      email: 'Pat@Buyer.test',
    });
    const claims = JSON.parse(
      Buffer.from(session.accessToken.split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({
      portal: 'customer',
      tid: finance.tenantId,
      cid: ids.mine,
      iss: 'fig',
      sub: expect.stringMatching(/^contact:\d+$/),
    });
    expect(claims).not.toHaveProperty('roles');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);

    const again = await signIn(token);
    expect(problem(again)).toEqual({
      status: 401,
      code: 'PORTAL_LINK_INVALID',
      detail: expect.stringContaining('works once, within 15 minutes'),
    });
    const audit = await owner
      .selectFrom('audit.events')
      .select(['actor', 'action', 'entity_id'])
      .where('tenant_id', '=', finance.tenantId)
      .where('action', '=', 'apar.portal.sign_in')
      .execute();
    expect(audit).toContainEqual({
      actor: 'portal:Pat@Buyer.test',
      action: 'apar.portal.sign_in',
      entity_id: String(ids.mine),
    });
  });

  it('refuses an expired link, a forged one, and a link used on another organisation’s portal', async () => {
    await requestLink('rui@rival.test');
    const expired = await mailedToken('rui@rival.test');
    await owner
      .updateTable('apar.portal_magic_links')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', createHash('sha256').update(expired).digest('hex'))
      .execute();
    await requestLink('rui@rival.test');
    const valid = await mailedToken('rui@rival.test');
    const invalid = { status: 401, code: 'PORTAL_LINK_INVALID', detail: expect.any(String) };
    expect(problem(await signIn(expired))).toEqual(invalid);
    expect(problem(await signIn('x'.repeat(43)))).toEqual(invalid);
    expect(problem(await signIn(valid, otherSlug))).toEqual(invalid);
    expect(problem(await signIn(valid, 'no-such-org'))).toMatchObject({ status: 404, code: 'FIG_NOT_FOUND' });
    // Refused elsewhere, the link still works once where it belongs.
    expect((await signIn(valid)).statusCode).toBe(200);
    expect(problem(await signIn('', slug))).toMatchObject({
      status: 400,
      code: 'FIG_VALIDATION',
      errors: [expect.objectContaining({ path: 'body.token' })],
    });
  });

  it('rate-limits link requests per address and per client IP with one answer whether the address is known or not', async () => {
    const address = (i: number) => requestLink('limit@nowhere.test', slug, `203.0.113.${i}`);
    for (let i = 1; i <= 5; i++) expect((await address(i)).statusCode).toBe(202);
    const limited = await address(6);
    expect(problem(limited)).toEqual({
      status: 429,
      code: 'FIG_RATE_LIMITED',
      detail: expect.stringMatching(/retry in \d+ s/),
    });
    // Another address from one IP: 4 pass, the 5th is refused.
    const ip = '192.0.2.77';
    for (let i = 1; i <= 4; i++)
      expect((await requestLink(`ip${i}@nowhere.test`, slug, ip)).statusCode).toBe(202);
    expect(problem(await requestLink('ip5@nowhere.test', slug, ip))).toMatchObject({
      status: 429,
      code: 'FIG_RATE_LIMITED',
    });
  });
});

describe('what a signed-in customer contact sees', () => {
  let token: string;
  beforeAll(async () => {
    token = await signedIn();
  });

  it('lists its own invoices and credit notes only, and reads one with lines', async () => {
    const invoices = await portal(token, '/invoices');
    expect(invoices.statusCode, invoices.body).toBe(200);
    const list = invoices.json<{ data: { id: number; partyId: number }[]; total: number }>();
    expect(list.total).toBe(2);
    expect(list.data.map((d) => d.id).sort()).toEqual([...ids.invoices].sort());
    expect(list.data.every((d) => d.partyId === ids.mine)).toBe(true);
    expect((await portal(token, '/invoices?status=paid')).json<{ total: number }>().total).toBe(0);

    const one = await portal(token, `/invoices/${ids.invoices[0]}`);
    expect(one.json()).toMatchObject({
      id: ids.invoices[0],
      amount: '2500',
      amountPaid: '1000',
      balance: '1500',
      lines: [expect.objectContaining({ description: 'Consulting', total: '2400' }), expect.anything()],
    });
    const notes = await portal(token, '/credit-notes');
    expect(notes.json<{ data: { id: number }[] }>().data.map((d) => d.id)).toEqual([ids.creditNote]);
  });

  it('answers 404 for another customer’s invoice, PDF and payment, exactly as for one that does not exist', async () => {
    for (const path of [
      `/invoices/${ids.theirInvoice}`,
      `/invoices/${ids.theirInvoice}/pdf`,
      '/invoices/999999',
      `/credit-notes/${ids.theirInvoice}`,
    ]) {
      expect(problem(await portal(token, path)), path).toMatchObject({
        status: 404,
        code: 'FIG_NOT_FOUND',
        detail: expect.stringMatching(/^Invoice \d+ was not found$|^Credit note \d+ was not found$/),
      });
    }
    expect(problem(await portal(token, `/payments/${ids.theirPayment}`))).toMatchObject({
      status: 404,
      code: 'FIG_NOT_FOUND',
    });
  });

  it('shows its payments with allocations and its statement of account', async () => {
    const payments = await portal(token, '/payments');
    expect(payments.json()).toMatchObject({
      total: 1,
      data: [
        { id: ids.payment, amount: '1000', allocations: [{ documentId: ids.invoices[0], amount: '1000' }] },
      ],
    });
    const statement = await portal(token, '/statement?from=2026-01-01&to=2026-03-31');
    expect(statement.json()).toMatchObject({ partyId: ids.mine, name: 'Buyer & Co', opening: '0' });
    expect(problem(await portal(token, '/statement?from=2026-03-01&to=2026-01-01'))).toMatchObject({
      status: 400,
      code: 'FIG_VALIDATION',
      errors: [expect.objectContaining({ path: 'querystring.to' })],
    });
  });

  it('downloads an invoice as a PDF that says what the invoice says', async () => {
    const res = await portal(token, `/invoices/${ids.invoices[0]}/pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="invoice-INV-\d+\.pdf"$/);
    const text = pdfText(res.rawPayload);
    for (const s of [
      'Invoice INV-',
      'To: Buyer & Co',
      'Consulting',
      '2,400.00',
      'Balance due',
      '1,500.00 EUR',
    ])
      expect(text).toContain(s);
  });

  it('keeps the token to its own organisation: another portal’s slug is not found', async () => {
    expect(problem(await portal(token, '/invoices', otherSlug))).toMatchObject({
      status: 404,
      code: 'FIG_NOT_FOUND',
    });
  });

  it('is refused by the staff API, and a staff token is refused by the portal', async () => {
    const staffRoute = await app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${finance.tenantId}/apar/invoices`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(problem(staffRoute)).toEqual({
      status: 403,
      code: 'FIG_PORTAL_TOKEN_REFUSED',
      detail: expect.any(String),
    });
    expect(problem(await portal(finance.token, '/invoices'))).toEqual({
      status: 403,
      code: 'FIG_PORTAL_ROUTE',
      detail: expect.any(String),
    });
    expect(
      problem(await app.inject({ method: 'GET', url: `/api/v1/portal/${slug}/invoices` })),
    ).toMatchObject({ status: 401, code: 'FIG_UNAUTHORIZED' });
  });
});
