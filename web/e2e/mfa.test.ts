import { describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { shot, useDemo } from './harness';
import { DEMO_PASSWORD, signIn } from './login';

/** A code of the time step `offset` steps from now (the step used to enrol cannot sign in again). */
const codeAt = (secret: string, offset: number) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });

describe('two-factor authentication in a real browser', () => {
  const demo = useDemo();

  it('enrol from Account security (QR, secret, first code, recovery codes) → sign out → sign in with a code', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, demo.url, 'hr@acme.test', DEMO_PASSWORD);
    await page.locator('[data-testid="user-menu"]').click();
    await page.getByRole('menuitem', { name: 'Account security' }).click();
    await page.getByRole('button', { name: 'Set up two-factor…' }).click();
    const enrolment = page.locator('[data-testid="mfa-enrolment"]');
    expect(await enrolment.locator('img.mfa-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const secret = (await enrolment.locator('[data-testid="mfa-secret"]').textContent())!.trim();
    await shot(page, 'mfa-enrolment');
    await enrolment.locator('input[name="code"]').fill(await codeAt(secret, 0));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    const codes = page.locator('[data-testid="recovery-codes"] code');
    await expect.poll(() => codes.count()).toBe(10);
    await page.getByRole('button', { name: /I have saved them/ }).click();
    await page.locator('[data-testid="mfa-on"]', { hasText: '10 recovery codes left' }).waitFor();

    await page.locator('[data-testid="user-menu"]').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.locator('input[name="email"]').fill('hr@acme.test');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('h1', { hasText: 'Two-factor authentication' }).waitFor();
    await page.locator('input[name="code"]').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('[data-testid="mfa-error"]', { hasText: 'The code is wrong' }).waitFor();
    await page.locator('input[name="code"]').fill(await codeAt(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('[data-testid="user-menu"]').waitFor();
    await shot(page, 'mfa-signed-in');
    await page.close();
  });
});
