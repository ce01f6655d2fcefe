import type { Page } from 'playwright-core';

/** Password of the demo users seeded by modules/identity seedDemo. */
export const DEMO_PASSWORD = 'fig-demo-2026';

/** Open the SPA, sign in through the login form, and wait for the signed-in shell. */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/app/`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid="user-menu"]').waitFor();
}
