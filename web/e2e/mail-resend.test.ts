import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { seedDemo } from '../../modules/identity';
import { createTestDb } from '../../test/helpers';
import { ResendCapture } from '../../test/resend-capture';
import { assertBuilt, launchBrowser, startGateway, startWorker, stopWorker } from './harness';
import { DEMO_PASSWORD, signIn } from './login';

/**
 * The mail flow as production runs it: RESEND_API_KEY set, so the worker sends through the Resend
 * SDK, here to a local capture server that speaks Resend's HTTP API (RESEND_BASE_URL). An admin
 * invites someone in the Members screen; the browser opens the mail the capture received and
 * clicks its link; the invitee joins and signs in.
 */
describe('mail through Resend, in a real browser', () => {
  const capture = new ResendCapture(`re_e2e_${randomBytes(6).toString('hex')}`);
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    assertBuilt();
    await capture.start();
    const databaseUrl = await createTestDb();
    const env = { DATABASE_URL: databaseUrl, REDIS_PREFIX: `test:${randomBytes(6).toString('hex')}:`, RESEND_API_KEY: capture.apiKey, RESEND_BASE_URL: capture.url };
    ({ app, url } = await startGateway(env));
    await seedDemo(app.db);
    worker = await startWorker({ ...env, PUBLIC_URL: url });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopWorker(worker);
    await app?.close();
    await capture.close();
  });

  it('invite → open the mail in the capture → accept → sign in', async () => {
    const email = `resend-${randomBytes(4).toString('hex')}@test.fig`;
    const admin = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(admin, url, 'admin@acme.test', DEMO_PASSWORD);
    await admin.goto(`${url}/app/admin/members`);
    await admin.getByRole('button', { name: 'Invite user…' }).click();
    await admin.locator('.dialog input[type="email"]').fill(email);
    await admin.locator('[data-role="hr"] input').check();
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    await admin.locator('.notice-success', { hasText: email }).waitFor();
    await admin.close();

    // What Resend was asked to send: once, with the outbox idempotency key, HTML and text.
    await expect.poll(() => capture.to(email).length, { timeout: 30_000 }).toBe(1);
    const [mail] = capture.to(email);
    expect(mail!.idempotencyKey).toMatch(/^fig-outbox-\d+$/);
    expect(mail!.body).toMatchObject({ subject: 'You are invited to Acme Corp on fig', to: [email] });
    expect(mail!.body.text).toContain(`${url}/app/accept-invitation#token=`);
    expect(capture.requests.filter((r) => r.url === '/emails' && r.headers.authorization === `Bearer ${capture.apiKey}`).length).toBeGreaterThan(0);

    // The invitee opens that mail (its HTML as sent) and follows the button.
    const invitee = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await invitee.setContent(mail!.body.html!);
    await invitee.getByRole('link', { name: 'Accept invitation' }).click();
    await invitee.waitForURL(new RegExp(`^${url}/app/accept-invitation#token=`));
    await invitee.locator('h1', { hasText: 'Join fig' }).waitFor();
    await invitee.locator('input[name="name"]').fill('Rhea Resend');
    await invitee.locator('input[name="password"]').fill('lantern-quarry-mosaic');
    await invitee.getByRole('button', { name: 'Accept invitation' }).click();
    await invitee.locator('[data-testid="user-menu"]').waitFor();
    await invitee.close();

    const again = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(again, url, email, 'lantern-quarry-mosaic');
    expect(await again.locator('.user-name').textContent()).toBe('Rhea Resend');
    await again.close();
  });
});
