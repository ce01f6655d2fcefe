import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { seedDemo } from '../../modules/identity';
import { createTestDb, TEST_ADMIN_TOKEN } from '../../test/helpers';
import { assertBuilt, launchBrowser, shot, startGateway, startWorker, stopWorker } from './harness';
import { DEMO_PASSWORD, signIn } from './login';

/**
 * The mail flows as `npm start` runs them: the gateway, a real worker (`npm run worker`) delivering
 * the outbox into the embedded dev mailbox, and chromium. An admin invites someone in the Members
 * screen, ops opens the mail in the Mailbox screen, the invitee follows its link, joins and signs in.
 */
describe('mail that arrives, in a real browser', () => {
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;
  let worker: ChildProcess;

  beforeAll(async () => {
    assertBuilt();
    const databaseUrl = await createTestDb();
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    ({ app, url } = await startGateway({ DATABASE_URL: databaseUrl, REDIS_PREFIX: prefix }));
    await seedDemo(app.db);
    worker = await startWorker({ DATABASE_URL: databaseUrl, REDIS_PREFIX: prefix, PUBLIC_URL: url });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopWorker(worker);
    await app?.close();
  });

  it('invite → the mail in the dev mailbox → accept → sign in', async () => {
    const email = `newcomer-${randomBytes(4).toString('hex')}@test.fig`;

    const admin = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(admin, url, 'admin@acme.test', DEMO_PASSWORD);
    await admin.goto(`${url}/app/admin/members`);
    await admin.getByRole('button', { name: 'Invite user…' }).click();
    await admin.locator('.dialog input[type="email"]').fill(email);
    await admin.locator('[data-role="auditor"] input').check();
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await admin.locator('.notice-success', { hasText: email }).waitFor();
    await admin.close();

    // Ops reads the mail the worker delivered (the list refreshes every few seconds).
    const ops = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(ops, url, 'ops@acme.test', DEMO_PASSWORD);
    await ops.goto(`${url}/app/ops/mailbox`);
    await ops.locator('[data-testid="mail-list"] a', { hasText: email }).click({ timeout: 30_000 });
    const message = ops.locator('[data-testid="mail-message"]');
    await message.locator('h2', { hasText: 'You are invited to Acme' }).waitFor();
    await expect
      .poll(() =>
        ops
          .frameLocator('iframe.mail-html')
          .locator('a', { hasText: 'Accept invitation' })
          .getAttribute('href'),
      )
      .toMatch(new RegExp(`^${url}/app/accept-invitation#token=`));
    await shot(ops, 'mailbox-invitation');
    await message.getByRole('button', { name: 'Text' }).click();
    const link = await message.locator('[data-testid="mail-link"]').first().getAttribute('href');
    expect(link).toMatch(new RegExp(`^${url}/app/accept-invitation#token=[A-Za-z0-9_.-]+$`));
    await ops.close();

    const invitee = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await invitee.goto(link!);
    await invitee.locator('h1', { hasText: 'Join fig' }).waitFor();
    await invitee.locator('input[name="name"]').fill('Nora Newcomer');
    await invitee.locator('input[name="password"]').fill('harbour-lilac-meridian');
    await invitee.getByRole('button', { name: 'Accept invitation' }).click();
    await invitee.locator('[data-testid="user-menu"]').waitFor();
    expect(await invitee.locator('.user-name').textContent()).toBe('Nora Newcomer');
    await invitee.close();

    // A fresh browser signs in with the new password.
    const again = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(again, url, email, 'harbour-lilac-meridian');
    await again.close();
  });

  it('forgot password → the reset mail → a new password → sign in', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}/app/`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.locator('input[name="email"]').fill('hr@acme.test');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.locator('[data-testid="forgot-sent"]').waitFor();
    await page.close();

    const ops = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(ops, url, 'ops@acme.test', DEMO_PASSWORD);
    await ops.goto(`${url}/app/ops/mailbox`);
    await ops.locator('input[type="search"]').fill('hr@acme.test');
    await ops
      .locator('[data-testid="mail-list"] a', { hasText: 'Reset your fig password' })
      .click({ timeout: 30_000 });
    const message = ops.locator('[data-testid="mail-message"]');
    await message.getByRole('button', { name: 'Text' }).click();
    const link = await message.locator('[data-testid="mail-link"]').first().getAttribute('href');
    expect(link).toMatch(new RegExp(`^${url}/app/reset-password#token=`));
    await ops.close();

    const reset = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await reset.goto(link!);
    await reset.locator('input[name="password"]').fill('quartz-meadow-lantern');
    await reset.getByRole('button', { name: 'Set password' }).click();
    await reset.locator('[data-testid="reset-done"]').waitFor();
    await signIn(reset, url, 'hr@acme.test', 'quartz-meadow-lantern');
    await reset.close();
  });
  it('ops suspend and reactivate an organisation from the Organisations screen', async () => {
    const created = await app.inject({ method: 'POST', url: '/_fig/tenants', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, payload: { name: 'Umbrella Browser', adminEmail: 'boss@umbrella.test' } });
    expect(created.statusCode).toBe(201);
    const ops = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(ops, url, 'ops@acme.test', DEMO_PASSWORD);
    await ops.goto(`${url}/app/ops/organisations`);
    const row = ops.locator('[data-testid="organisations"] tr', { hasText: 'Umbrella Browser' });
    await row.locator('.badge', { hasText: 'active' }).waitFor();
    ops.once('dialog', (d) => void d.accept('contract ended'));
    await row.getByRole('button', { name: 'Suspend…' }).click();
    await row.locator('.badge', { hasText: 'suspended' }).waitFor();
    expect(await row.textContent()).toContain('contract ended');
    await shot(ops, 'organisations-suspended');
    ops.once('dialog', (d) => void d.accept('renewed'));
    await row.getByRole('button', { name: 'Reactivate…' }).click();
    await row.locator('.badge', { hasText: 'active' }).waitFor();
    await ops.close();
  });

  it('self-serve sign-up → the verification mail in the dev mailbox → verify → sign in as the new admin', async () => {
    const email = `founder-${randomBytes(4).toString('hex')}@test.fig`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}/app/`);
    await page.getByRole('link', { name: 'New to fig? Create an organisation' }).click();
    await page.locator('input[name="organisationName"]').fill('Globex Browser');
    await page.locator('input[name="name"]').fill('Hank Scorpio');
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill('volcano-hammock-summit');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.locator('[data-testid="signup-sent"]').waitFor();
    await shot(page, 'signup-sent');
    await page.close();

    const ops = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(ops, url, 'ops@acme.test', DEMO_PASSWORD);
    await ops.goto(`${url}/app/ops/mailbox`);
    await ops.locator('[data-testid="mail-list"] a', { hasText: email }).click({ timeout: 30_000 });
    const message = ops.locator('[data-testid="mail-message"]');
    await message.locator('h2', { hasText: 'Confirm your new organisation Globex Browser on fig' }).waitFor();
    await message.getByRole('button', { name: 'Text' }).click();
    const link = await message.locator('[data-testid="mail-link"]').first().getAttribute('href');
    expect(link).toMatch(new RegExp(`^${url}/app/verify-signup#token=[A-Za-z0-9_.-]+$`));
    await ops.close();

    const founder = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await founder.goto(link!);
    await founder.locator('[data-testid="signup-done"]', { hasText: 'Globex Browser is ready' }).waitFor();
    await shot(founder, 'signup-done');
    await founder.getByRole('link', { name: 'Sign in' }).click();
    await founder.locator('input[name="email"]').fill(email);
    await founder.locator('input[name="password"]').fill('volcano-hammock-summit');
    await founder.getByRole('button', { name: 'Sign in' }).click();
    await founder.locator('[data-testid="user-menu"]').waitFor();
    expect(await founder.locator('.user-name').textContent()).toBe('Hank Scorpio');
    // The founder administers the new organisation: the Members screen lists them as admin.
    await founder.goto(`${url}/app/admin/members`);
    await founder.locator('tr', { hasText: email }).locator('text=admin').first().waitFor();
    await founder.close();
  });
});
