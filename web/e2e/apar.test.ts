import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pdfText } from '../../test/pdf-text';
import { DEMO_TENANTS } from '../../modules/identity';
import { renderMail } from '../../modules/notify/index';
import { shot, useDemo } from './harness';
import { DEMO_PASSWORD, signIn } from './login';

/** A tab of the AP/AR section. */
const tab = (page: Page, name: string) => page.locator('nav[aria-label="AP/AR"]').getByRole('link', { name, exact: true });
const isoDaysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** Post an invoice through the form: lines typed, live totals checked, then the detail page. */
async function postInvoice(page: Page, customer: string, due: string, lines: Array<[string, string, string, string]>, expectTotal: string): Promise<string> {
  await tab(page, 'Invoices').click();
  await page.getByRole('button', { name: 'New invoice…' }).click();
  const form = page.locator('[data-testid="document-form"]');
  await form.getByLabel('Customer').selectOption({ label: customer });
  await form.getByLabel('Issue date').fill(isoDaysAgo(60));
  await form.getByLabel('Due date').fill(due);
  for (const [i, [description, quantity, price, tax]] of lines.entries()) {
    if (i > 0) await form.getByRole('button', { name: 'Add line' }).click();
    await form.getByLabel(`Line ${i + 1} description`).fill(description);
    await form.getByLabel(`Line ${i + 1} Quantity`).fill(quantity);
    await form.getByLabel(`Line ${i + 1} Unit price`).fill(price);
    await form.getByLabel(`Line ${i + 1} Tax %`).fill(tax);
  }
  // Live totals, computed in decimal as the user types (the server posts the same figures).
  await form.locator('[data-testid="document-total"]', { hasText: expectTotal }).waitFor();
  await form.getByRole('button', { name: 'Post invoice' }).click();
  const detail = page.locator('[data-testid="document-page"]');
  await detail.waitFor();
  expect(await detail.locator('[data-testid="document-balance"]').textContent()).toContain(expectTotal);
  return (await page.locator('h1').textContent())!.match(/INV-\d+/)![0];
}

/** Click a button that downloads a file; the file's name and bytes. */
async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; body: Buffer }> {
  const event = page.waitForEvent('download');
  await click();
  const d = await event;
  return { name: d.suggestedFilename(), body: await readFile((await d.path())!) };
}

/** Open the aging and wait for its total (cached figures show first while the report refetches). */
async function expectAgingTotal(page: Page, total: string): Promise<void> {
  await tab(page, 'Aging').click();
  await page.locator('[data-testid="aging-chart"]').waitFor();
  await page.locator('[data-testid="aging-total"] .apar-money', { hasText: new RegExp(`^${total.replace('.', '\\.')}$`) }).waitFor();
}

/**
 * Issue 15's staff walk in chromium: finance creates a customer and two invoices (one long overdue),
 * sees them in the aging, records one payment split across both (the second partly), and the
 * aging, the invoices' balances and the payment's unapplied credit follow.
 */
describe('AP/AR in a real browser', () => {
  const demo = useDemo();

  it('invoice → payment split across two invoices → aging changes → the customer sees it in the portal', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, demo.url, 'finance@acme.test', DEMO_PASSWORD);
    await page.locator('nav[aria-label="Main"]').getByText('AP/AR').click();
    await page.locator('h1', { hasText: 'Invoices' }).waitFor();

    await tab(page, 'Customers').click();
    await page.getByRole('button', { name: 'New customer…' }).click();
    let dialog = page.locator('dialog[open]');
    // A bad e-mail is refused by the API and shown next to its field.
    await dialog.getByLabel('Name').fill('Initech');
    await dialog.getByLabel('Billing e-mail').fill('not-an-email');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.locator('.field-invalid .field-error').waitFor();
    await dialog.getByLabel('Billing e-mail').fill('ap@initech.test');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.locator('[data-testid="party-page"] h1', { hasText: 'Initech' }).waitFor();

    // 2 × 100.10 + 20 % tax (40.04) + 1 × 0.333 → 240.24 + 0.333 = 240.573; overdue 31-60 days.
    const first = await postInvoice(page, 'Initech', isoDaysAgo(40), [['Consulting', '2', '100.10', '20'], ['Rounding', '1', '0.333', '0']], '240.57');
    await shot(page, 'apar-invoice');
    const second = await postInvoice(page, 'Initech', isoDaysAgo(-20), [['Licence', '3', '50', '10']], '165.00');

    await expectAgingTotal(page, '405.57');
    await shot(page, 'apar-aging-before');

    // One payment of 300: all of the first invoice (240.573) and 50 of the second; 9.427 stays as credit.
    await tab(page, 'Payments').click();
    await page.getByRole('button', { name: 'Record payment received…' }).click();
    const form = page.locator('[data-testid="payment-form"]');
    await form.getByLabel('Customer').selectOption({ label: 'Initech' });
    await form.getByLabel('Amount').fill('300');
    await form.getByLabel(`Apply to ${first}`).fill('240.573');
    await form.getByLabel(`Apply to ${second}`).fill('70');
    // Over-allocation is shown live and blocks the button.
    await form.locator('[data-testid="allocation-remaining"]', { hasText: 'Over-allocated' }).waitFor();
    expect(await form.getByRole('button', { name: 'Record payment' }).isDisabled()).toBe(true);
    await form.getByLabel(`Apply to ${second}`).fill('50');
    await form.locator('[data-testid="allocation-remaining"]', { hasText: '9.427' }).waitFor();
    await shot(page, 'apar-payment-allocation');
    await form.getByRole('button', { name: 'Record payment' }).click();
    const payment = page.locator('[data-testid="payment-page"]');
    await payment.waitFor();
    expect(await payment.locator('[data-testid="payment-unapplied"]').textContent()).toContain('9.427');
    expect(await payment.locator('[data-testid="payment-allocations"] tbody tr').count()).toBe(2);

    // The aging follows: 405.573 − 290.573 = 115.00, all of it not yet due (the overdue invoice is paid).
    await expectAgingTotal(page, '115.00');
    expect(await page.locator('[data-testid="aging-chart"] [data-bucket="31-60"]').getAttribute('data-amount')).toBe('0');
    await page.locator('[data-testid="aging-chart"] [data-bucket="current"]').click();
    await page.locator('[data-testid="aging-parties"] tr[data-party="Initech"]').waitFor();
    await shot(page, 'apar-aging-after');

    // Drill down to the customer's invoices: the first paid, the second partly.
    await page.locator('[data-testid="aging-parties"] tr[data-party="Initech"]').getByText('Invoices →').click();
    const rows = page.locator('[data-testid="apar-documents"]');
    await rows.locator(`tr[data-number="${first}"]`, { hasText: 'paid' }).waitFor();
    expect(await rows.locator(`tr[data-number="${second}"]`).textContent()).toContain('115.00');

    // A saved view: Initech's partly paid invoices, saved, left, and applied again from the picker.
    await page.locator('[data-testid="apar-filters"]').getByRole('button', { name: 'partial' }).click();
    await page.waitForURL(/status=partial/);
    await page.getByRole('button', { name: 'Save view…' }).click();
    dialog = page.locator('dialog[open]');
    await dialog.getByLabel('Name').fill('Initech part-paid');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByLabel('Saved view').selectOption({ label: 'Initech part-paid' });
    await page.getByLabel('Saved view').selectOption({ label: 'All' });
    await rows.locator(`tr[data-number="${first}"]`).waitFor();
    await page.getByLabel('Saved view').selectOption({ label: 'Initech part-paid' });
    await page.waitForURL(/status=partial/);
    await rows.locator(`tr[data-number="${first}"]`).waitFor({ state: 'detached' });
    expect(await rows.locator('tbody tr').count()).toBe(1);
    // The list as CSV, with the same filters.
    const csv = await download(page, () => page.getByRole('button', { name: 'CSV', exact: true }).click());
    expect(csv.name).toMatch(/\.csv$/);
    expect(csv.body.toString('utf8')).toContain(second);
    expect(csv.body.toString('utf8')).not.toContain(first);
    await shot(page, 'apar-invoices-view');

    // The invoice's timeline shows the payment; a note joins it.
    await rows.locator(`tr[data-number="${second}"]`).getByRole('link', { name: second }).click();
    const timeline = page.locator('[data-testid="timeline"]');
    await timeline.locator('[data-type="payment"]').waitFor();
    await timeline.getByLabel('Activity text').fill('Called: the rest comes next week');
    await timeline.getByRole('button', { name: 'Add to timeline' }).click();
    await timeline.locator('[data-type="note"]', { hasText: 'the rest comes next week' }).waitFor();
    await shot(page, 'apar-invoice-timeline');

    // The customer's statement of account as a PDF.
    await page.locator('[data-testid="document-page"] .subtitle').getByRole('link', { name: 'Initech' }).click();
    await page.locator('[data-testid="statement"] tbody tr').first().waitFor();
    const pdf = await download(page, () => page.locator('[data-testid="statement"]').getByRole('button', { name: 'PDF' }).click());
    expect(pdf.body.subarray(0, 4).toString()).toBe('%PDF');
    expect(pdfText(pdf.body)).toContain('Initech');
    await shot(page, 'apar-customer');

    // A contact for the customer portal, added on the customer's page.
    await page.getByRole('button', { name: 'Add contact…' }).click();
    dialog = page.locator('dialog[open]');
    await dialog.getByLabel('Name').fill('Peter Gibbons');
    await dialog.getByLabel('Email').fill('peter@initech.test');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.apar-contacts', { hasText: 'peter@initech.test' }).waitFor();
    await page.close();

    // The customer sees it in the portal: a sign-in link (read from the outbox as the mail shows it),
    // the first invoice paid and the second with 115.00 left.
    const slug = DEMO_TENANTS.acme.slug;
    const portal = await demo.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await portal.goto(`${demo.url}/portal/${slug}/`);
    await portal.getByLabel('Your email address').fill('peter@initech.test');
    await portal.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await portal.locator('[data-testid="portal-check-mail"]').waitFor();
    const mail = await demo.app.db
      .selectFrom('identity.outbox')
      .select(['kind', 'subject', 'body', 'payload'])
      .where('to_email', '=', 'peter@initech.test')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const text = renderMail({ ...mail, payload: mail.payload as Record<string, unknown> }, demo.url).text;
    const link = new RegExp(`${demo.url}/portal/${slug}/sign-in#token=[A-Za-z0-9_-]+`).exec(text)?.[0];
    expect(link, text).toBeDefined();
    await portal.goto(link!);
    const mine = portal.locator('[data-testid="portal-invoices"]');
    await expect.poll(() => mine.locator('tbody tr').count()).toBe(2);
    expect(await mine.locator('tr', { hasText: second }).textContent()).toContain('115.00');
    expect(await mine.locator('tr', { hasText: first }).textContent()).toMatch(/paid/i);
    await shot(portal, 'apar-portal');
    await portal.close();
  });

  it('a bill is approved by manager then finance before it can be paid', async () => {
    const finance = await demo.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(finance, demo.url, 'finance@acme.test', DEMO_PASSWORD);
    await finance.goto(`${demo.url}/app/apar/vendors`);
    await finance.getByRole('button', { name: 'New vendor…' }).click();
    const dialog = finance.locator('dialog[open]');
    await dialog.getByLabel('Name').fill('Paper Supplies Ltd');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await finance.locator('[data-testid="party-page"] h1', { hasText: 'Paper Supplies Ltd' }).waitFor();
    await finance.getByRole('button', { name: 'New bill…' }).click();
    const form = finance.locator('[data-testid="document-form"]');
    await form.getByLabel('Line 1 description').fill('Paper');
    await form.getByLabel('Line 1 Unit price').fill('120.50');
    await form.locator('[data-testid="document-total"]', { hasText: '120.50' }).waitFor();
    await form.getByRole('button', { name: 'Post bill' }).click();
    const bill = finance.locator('[data-testid="bill-approval"]');
    await bill.locator('text=Draft: not submitted').waitFor();
    expect(await finance.getByRole('button', { name: 'Record payment…' }).count()).toBe(0);
    await bill.getByRole('button', { name: 'Submit for approval' }).click();
    await finance.locator('[data-testid="bill-approval"][data-approval="pending"]').waitFor();
    await finance.locator('[data-testid="approval-panel"]').waitFor();
    await shot(finance, 'apar-bill-pending');
    const billId = /\/bills\/(\d+)/.exec(finance.url())![1]!;

    const manager = await demo.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(manager, demo.url, 'manager@acme.test', DEMO_PASSWORD);
    await manager.goto(`${demo.url}/app/apar/approvals`);
    const row = manager.locator(`[data-testid="approvals-inbox"] tr[data-subject-id="${billId}"]`);
    await row.getByRole('button', { name: 'Approve…' }).click();
    await manager.locator('dialog[open]').getByRole('button', { name: 'Approve' }).click();
    await row.waitFor({ state: 'detached' });
    await manager.close();

    await tab(finance, 'Approvals').click();
    await finance.locator('h1', { hasText: 'Bill approvals' }).waitFor();
    const mine = finance.locator(`[data-testid="approvals-inbox"] tr[data-subject-id="${billId}"]`);
    await shot(finance, 'apar-bill-approvals');
    await mine.getByRole('button', { name: 'Approve…' }).click();
    await finance.locator('dialog[open]').getByRole('button', { name: 'Approve' }).click();
    await mine.waitFor({ state: 'detached' });
    await finance.goto(`${demo.url}/app/apar/bills/${billId}`);
    await finance.locator('[data-testid="bill-approval"][data-approval="approved"]').waitFor();
    await finance.getByRole('button', { name: 'Record payment…' }).waitFor();
    await finance.close();
  });

  it('hides what a role cannot do: read-only AP/AR for the auditor, no AP/AR for hr', async () => {
    const auditor = await demo.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(auditor, demo.url, 'auditor@acme.test', DEMO_PASSWORD);
    await auditor.locator('nav[aria-label="Main"]').getByText('AP/AR').click();
    await auditor.locator('[data-testid="apar-documents"]').waitFor();
    expect(await auditor.getByRole('button', { name: 'New invoice…' }).count()).toBe(0);
    await auditor.goto(`${demo.url}/app/apar/invoices/new`);
    await auditor.locator('[data-testid="not-allowed"]', { hasText: 'apar.write' }).waitFor();
    await auditor.close();

    const hr = await demo.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(hr, demo.url, 'hr@acme.test', DEMO_PASSWORD);
    expect(await hr.locator('nav[aria-label="Main"]').getByText('AP/AR').count()).toBe(0);
    await hr.close();
  });
});
