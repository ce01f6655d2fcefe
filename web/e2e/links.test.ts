import { describe, expect, it } from 'vitest';
import { createUserWithRoles, loginAs } from '../../test/auth';
import { shot, useDemo } from './harness';
import { signIn } from './login';

describe('pages a mailed link opens, in a real browser', () => {
  const demo = useDemo();

  /** The link in the newest outbox mail of this kind to this address, as a user would click it. */
  const mailedLink = async (to: string, kind: string) => {
    const mail = await demo.app.db
      .selectFrom('identity.outbox')
      .select('body')
      .where('to_email', '=', to)
      .where('kind', '=', kind)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    return /(\/app\/[a-z-]+#token=[A-Za-z0-9_.-]+)/.exec(mail.body)![1]!;
  };

  it('resets a password: the token stays in the fragment, never reaches the server, and leaves the address bar', async () => {
    const u = await createUserWithRoles(demo.app, { roles: ['finance'] });
    const asked = await fetch(`${demo.url}/api/v1/auth/password-reset/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: u.email }),
    });
    expect(asked.status).toBe(202);
    const link = await mailedLink(u.email, 'password_reset');
    const token = link.split('#token=')[1]!;

    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${demo.url}${link}`);
    await page.locator('h1', { hasText: 'Reset your password' }).waitFor();
    expect(new URL(page.url()).hash).toBe('');

    await page.locator('input[name="password"]').fill('Password1234');
    await page.getByRole('button', { name: 'Set password' }).click();
    const fieldError = page.locator('.field-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toBe('is a commonly used password: choose one that is harder to guess');

    await page.locator('input[name="password"]').fill('copper-lantern-sunrise');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.locator('[data-testid="reset-done"]').waitFor();
    await shot(page, 'reset-password-done');
    expect(requested.filter((r) => r.includes(token))).toEqual([]);
    await page.close();

    const again = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(again, demo.url, u.email, 'copper-lantern-sunrise');
    await again.close();
  });

  it('accepts an invitation from its link and lands signed in', async () => {
    const admin = await loginAs(demo.app, { roles: ['admin'] });
    const email = `joiner-${Date.now()}@test.fig`;
    const inv = await demo.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${admin.tenantId}/invitations`,
      headers: admin.headers,
      payload: { email, roles: ['auditor'] },
    });
    expect(inv.statusCode).toBe(201);
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${demo.url}${await mailedLink(email, 'invitation')}`);
    await page.locator('h1', { hasText: 'Join fig' }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    await page.locator('input[name="name"]').fill('Jo Iner');
    await page.locator('input[name="password"]').fill('orchard-velvet-compass');
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.locator('[data-testid="user-menu"]').waitFor();
    expect(await page.locator('.user-name').textContent()).toBe('Jo Iner');
    await page.close();
  });
});
