import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { seedDemo, DEMO_TENANTS } from '../../modules/identity';
import { createTestDb, TEST_ADMIN_TOKEN } from '../../test/helpers';
import { loginAs } from '../../test/auth';
import { pdfText } from '../../test/pdf-text';
import { assertBuilt, launchBrowser, shot, startGateway } from './harness';
import { startWorker } from './worker';

/**
 * The client portal as a customer uses it (ADR 0027): the gateway, a real worker delivering the
 * outbox into the dev mailbox, chromium. A contact asks for a sign-in link, the mail is read from
 * the dev mailbox (/_fig/mailbox), its link signs the contact in, the invoices show, and one
 * downloads as a PDF.
 */
describe('client portal in a real browser', () => {
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  const slug = DEMO_TENANTS.acme.slug;
  const email = `pat-${randomBytes(3).toString('hex')}@buyer.test`;
  const invoices: { id: number; number: string }[] = [];

  beforeAll(async () => {
    assertBuilt();
    const databaseUrl = await createTestDb();
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    ({ app, url } = await startGateway({ DATABASE_URL: databaseUrl, REDIS_PREFIX: prefix }));
    await seedDemo(app.db);
    worker = await startWorker({ DATABASE_URL: databaseUrl, REDIS_PREFIX: prefix, PUBLIC_URL: url });
    browser = await launchBrowser();

    const finance = await loginAs(app, { roles: ['finance'], tenantId: DEMO_TENANTS.acme.id });
    const staff = async (path: string, payload: object) => {
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/tenants/${finance.tenantId}/apar${path}`,
        headers: finance.headers,
        payload,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: number; number: string }>();
    };
    const customer = await staff('/customers', {
      name: 'Buyer & Co',
      contacts: [{ name: 'Pat Payables', email }],
    });
    const other = await staff('/customers', { name: 'Rival Inc' });
    for (const [price, issued] of [
      ['1200', '2026-01-05'],
      ['80.5', '2026-02-10'],
    ] as const)
      invoices.push(
        await staff('/invoices', {
          partyId: customer.id,
          issueDate: issued,
          dueDate: issued.replace(/-\d\d$/, '-28'),
          currency: 'EUR',
          lines: [{ description: 'Consulting days', quantity: '3', unitPrice: price, taxRate: '0.2' }],
        }),
      );
    await staff('/invoices', {
      partyId: other.id,
      issueDate: '2026-01-06',
      dueDate: '2026-01-30',
      currency: 'EUR',
      lines: [{ description: 'Not yours', quantity: '1', unitPrice: '5' }],
    });
    await staff('/payments-received', {
      partyId: customer.id,
      amount: '1000',
      date: '2026-02-01',
      currency: 'EUR',
      allocations: [{ documentId: invoices[0]!.id, amount: '1000' }],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await app?.close();
  });

  it('request a link → the mail in the dev mailbox → land → the customer’s invoices → a PDF', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await page.goto(`${url}/portal/${slug}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, 'portal-sign-in');
    await page.getByLabel('Your email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.locator('[data-testid="portal-check-mail"]', { hasText: 'Check your mail' }).waitFor();
    await shot(page, 'portal-check-mail');

    // The worker delivers the outbox into the dev mailbox; read the mail there as ops would.
    const ops = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    let mailId: string | undefined;
    await expect
      .poll(
        async () => {
          const res = await app.inject({
            method: 'GET',
            url: `/_fig/mailbox?to=${encodeURIComponent(email)}`,
            headers: ops,
          });
          mailId = res.json<{ data: { id: string; subject: string }[] }>().data[0]?.id;
          return mailId;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBeDefined();
    const mail = (await app.inject({ method: 'GET', url: `/_fig/mailbox/${mailId}`, headers: ops })).json<{
      subject: string;
      text: string;
      html: string;
    }>();
    expect(mail.subject).toBe('Your Acme Corp portal sign-in link');
    const link = new RegExp(`${url}/portal/${slug}/sign-in#token=[A-Za-z0-9_-]+`).exec(mail.text)?.[0];
    expect(link, mail.text).toBeDefined();
    expect(mail.html).toContain(`href="${link}"`);

    await page.goto(link!);
    const table = page.locator('[data-testid="portal-invoices"]');
    await table.waitFor();
    expect(page.url()).toBe(`${url}/portal/${slug}/invoices`);
    await expect.poll(() => page.locator('[data-testid="portal-customer"]').textContent()).toBe('Buyer & Co');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    const text = (await table.textContent()) ?? '';
    for (const inv of invoices) expect(text).toContain(inv.number);
    expect(text).toContain('4,320.00'); // 3 × 1200 + 20 % tax
    expect(text).toContain('3,320.00'); // after the 1000 payment
    expect(text).not.toContain('Rival');
    await shot(page, 'portal-invoices');

    await table.getByRole('link', { name: invoices[0]!.number }).click();
    await page.getByRole('heading', { name: new RegExp(`Invoice ${invoices[0]!.number}`) }).waitFor();
    expect(await page.locator('[data-testid="portal-balance"]').textContent()).toBe('3,320.00 EUR');
    await shot(page, 'portal-invoice');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="portal-pdf"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`invoice-${invoices[0]!.number}.pdf`);
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(pdf)).toContain(`Invoice ${invoices[0]!.number}`);

    await page.getByRole('link', { name: 'Payments' }).click();
    await page.locator('[data-testid="portal-payments"]').waitFor();
    expect(await page.locator('[data-testid="portal-payments"]').textContent()).toContain('1,000.00');
    await page.getByRole('link', { name: 'Statement' }).click();
    await page.locator('[data-testid="portal-statement"]').waitFor();
    await shot(page, 'portal-statement');

    // The link worked once: opening it again offers a new one.
    await page.goto(link!);
    await page.locator('.notice', { hasText: 'works once' }).waitFor();
    await page.close();
  });
});
