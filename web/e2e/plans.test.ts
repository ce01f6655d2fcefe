import { describe, expect, it } from 'vitest';
import { shot, useDemo } from './harness';
import { DEMO_PASSWORD, signIn } from './login';

describe('plan builder in a real browser', () => {
  const demo = useDemo();

  it('creates a plan, shows validation problems with line and column, evaluates a test row and locks it', async () => {
    const page = await demo.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signIn(page, demo.url, 'admin@acme.test', DEMO_PASSWORD);
    await page.locator('nav[aria-label="Main"]').getByText('Plans').click();
    await page.locator('h1', { hasText: 'Bonus plans' }).waitFor();

    await page.getByRole('button', { name: 'New plan…' }).click();
    let dialog = page.locator('dialog[open]');
    await dialog.getByLabel('Name').fill('E2E sales bonus');
    await dialog.getByLabel('Inputs').fill('base_salary, performance');
    await dialog.getByRole('button', { name: 'Create draft' }).click();
    await page.locator('h1', { hasText: 'E2E sales bonus' }).waitFor();

    // A step with a syntax error: saved as a draft, reported by /validate with its position.
    await page.getByRole('button', { name: 'Add step…' }).click();
    dialog = page.locator('dialog[open]');
    await dialog.locator('#step-key').fill('bonus');
    await dialog.locator('#step-expr').fill('base_salary * (performance');
    await dialog.getByRole('button', { name: 'Add step' }).click();
    await dialog.waitFor({ state: 'detached' });
    const problems = page.locator('.steps-table [data-testid="plan-problems"]');
    await problems.waitFor();
    expect(await problems.textContent()).toMatch(/line 1, column \d+/);
    await shot(page, 'plan-problems');

    await page.getByRole('button', { name: 'Edit' }).click();
    dialog = page.locator('dialog[open]');
    await dialog.locator('#step-expr').fill('round2(base_salary * performance / 10)');
    await dialog.getByRole('button', { name: 'Save step' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-testid="validity"]', { hasText: 'Valid' }).waitFor();

    await page.getByLabel('Row 1 base_salary').fill('50000');
    await page.getByLabel('Row 1 performance').fill('1.15');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    const results = page.locator('[data-testid="evaluate-results"]');
    await results.waitFor();
    expect(await results.locator('tbody td.money').first().textContent()).toBe('5,750.00');
    await shot(page, 'plan-evaluated');

    await page.getByRole('button', { name: 'Lock…' }).click();
    dialog = page.locator('dialog[open]');
    await dialog.getByRole('button', { name: 'Lock plan' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('h1 .badge', { hasText: 'locked' }).waitFor();
    expect(await page.getByRole('button', { name: 'Add step…' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Plans' }).first().click();
    const row = page.locator('tr', { hasText: 'E2E sales bonus' });
    expect(await row.locator('.badge').textContent()).toBe('locked');
    await shot(page, 'plans-list');
    await page.close();
  });
});
