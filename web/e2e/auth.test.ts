import { describe, expect, it } from 'vitest';
import { shot, useDemo } from './harness';
import { DEMO_PASSWORD, signIn } from './login';

describe('sign-in and role-based screens in a real browser', () => {
  const demo = useDemo();

  it('shows a readable error for a wrong password, lands on the console with the right one, and logs out to the login page', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${demo.url}/app/`);
    await page.waitForURL(/\/app\/login/);
    await page.locator('input[name="email"]').fill('ops@acme.test');
    await page.locator('input[name="password"]').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.locator('[data-testid="login-error"]');
    await error.waitFor();
    expect(await error.textContent()).toBe('Wrong email or password.');
    await shot(page, 'login-error');

    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('h1', { hasText: 'Cutover console' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/routes');
    await page.locator('.routes-table').waitFor();
    await shot(page, 'console-1280');
    expect(await page.locator('.user-name').textContent()).toBe('Oscar Ops');

    // The session survives a reload: the refresh cookie brings the access token back.
    await page.reload();
    await page.locator('h1', { hasText: 'Cutover console' }).waitFor();

    await page.locator('[data-testid="user-menu"]').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.locator('.login-card').waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/login');
    // Signed out for real: a reload stays on the login page.
    await page.reload();
    await page.locator('.login-card').waitFor();
    await page.close();
  });

  it('hides the console from a role without routes.read and refuses it by URL', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, demo.url, 'finance@acme.test', DEMO_PASSWORD);
    const nav = page.locator('nav[aria-label="Main"]');
    expect(await nav.getByText('Cutover').count()).toBe(0);
    expect(await nav.getByText('Plans').count()).toBe(1);

    await page.goto(`${demo.url}/app/routes`);
    const refused = page.locator('[data-testid="not-allowed"]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('routes.read');
    await shot(page, 'not-allowed');
    await page.close();
  });

  it('lets an admin invite a user with roles and switch organisation from the user menu', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, demo.url, 'admin@acme.test', DEMO_PASSWORD);
    await page.locator('nav[aria-label="Main"]').getByText('Members').click();
    await page.locator('td', { hasText: 'finance@acme.test' }).waitFor();

    await page.getByRole('button', { name: 'Invite user…' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByLabel('Email').fill('new.analyst@acme.test');
    // Only tenant roles are offered: ops is a platform role no organisation grants.
    await dialog.locator('label.role-option').first().waitFor();
    expect(await dialog.locator('label.role-option').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-role')))).toEqual(['admin', 'hr', 'manager', 'finance', 'auditor', 'readonly']);
    await dialog.locator('label.role-option', { hasText: 'auditor' }).locator('input').check();
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await dialog.locator('.notice-success').waitFor();
    expect(await dialog.locator('.notice-success').textContent()).toContain('new.analyst@acme.test');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.locator('td', { hasText: 'new.analyst@acme.test' }).waitFor();
    await shot(page, 'members');

    expect(await page.locator('.user-tenant').textContent()).toBe('Acme Corp');
    await page.locator('[data-testid="user-menu"]').click();
    await shot(page, 'user-menu');
    await page.getByRole('menuitemradio', { name: /Globex/ }).click();
    await page.locator('.user-tenant', { hasText: 'Globex' }).waitFor();
    // The members list is now Globex's: Acme's finance user is not in it.
    await page.locator('h1', { hasText: 'Members' }).waitFor();
    await page.locator('p.subtitle', { hasText: 'Globex' }).waitFor();
    expect(await page.locator('td', { hasText: 'finance@acme.test' }).count()).toBe(0);
    await page.close();
  });

  it('renews a revoked access token once through the refresh cookie, and shows the login page when that fails too', async () => {
    const admin = await (
      await fetch(`${demo.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@acme.test', password: DEMO_PASSWORD }) })
    ).json();
    const headers = { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' };
    const members = await (await fetch(`${demo.url}/api/v1/tenants/${admin.tenant.id}/members`, { headers })).json();
    const ops = members.data.find((m: { email: string }) => m.email === 'ops@acme.test');
    const setRoles = async (roles: string[]) => {
      const res = await fetch(`${demo.url}/api/v1/tenants/${admin.tenant.id}/members/${ops.userId}/roles`, { method: 'PUT', headers, body: JSON.stringify({ roles }) });
      expect(res.status).toBe(200);
    };

    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, demo.url, 'ops@acme.test', DEMO_PASSWORD);
    await page.locator('.routes-table').waitFor();

    // ops is ops@acme.test's platform role; Acme's admin edits only its tenant roles. A role change
    // revokes the access token in memory (401); the SPA refreshes once and retries.
    await setRoles(['auditor']);
    const history = page.waitForResponse((r) => r.url().includes('/_fig/route-changes') && r.status() === 200);
    await page.locator('tr[data-route="GET /api/v1/admin/revenue-bands"] td.route-cell').click();
    await history;
    await page.locator('.history-filter').waitFor();
    await page.locator('[data-testid="user-menu"]').click();
    await page.locator('.menu .badge', { hasText: 'auditor' }).waitFor();
    expect(await page.locator('[data-testid="platform-role"]').textContent()).toBe('ops (platform)');
    await page.keyboard.press('Escape');

    // Without the refresh cookie the retry cannot happen: back to the login page, saying why.
    await page.context().clearCookies();
    await setRoles([]);
    await page.locator('tr[data-route="PUT /api/v1/admin/revenue-bands"] td.route-cell').click();
    await page.locator('.login-card').waitFor();
    expect(await page.locator('.notice').textContent()).toBe('Your session ended. Sign in again to continue.');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/routes');
    await page.close();
  });
});
