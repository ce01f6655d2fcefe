import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { shot, useDemo } from './harness';
import { DEMO_PASSWORD, signIn } from './login';

describe('audit log viewer in a real browser', () => {
  const demo = useDemo();

  it('lists the trail with the chain status, filters by action, exports CSV', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await signIn(page, demo.url, 'admin@acme.test', DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.locator('[data-testid="chain-status"]', { hasText: /Chain verified: \d+ events intact/ }).waitFor();
    const rows = page.locator('[data-testid="audit-events"] tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);

    await page.locator('input[name="action"]').fill('member.add');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(async () => (await rows.locator('td:nth-child(4)').allTextContents()).every((a) => a === 'member.add')).toBe(true);
    await shot(page, 'audit-log');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    const csv = await readFile((await file.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.includes('member.add'))).toBe(true);
    await page.close();
  });

  it('the Billing screen says billing is off when Stripe is not configured', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, demo.url, 'admin@acme.test', DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Billing' }).click();
    await page.locator('[data-testid="billing"] .notice', { hasText: 'Billing is off on this installation' }).waitFor();
    await page.close();
  });
});
