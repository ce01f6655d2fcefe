import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useDemo } from './harness';
import { DEMO_PASSWORD, signIn } from './login';

/** Everything the browser refused under the page's Content-Security-Policy, and any page error. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

describe('the CSP in a real browser', () => {
  const demo = useDemo();
  let page: Page;
  let refused: string[];

  beforeAll(async () => {
    page = await demo.browser.newPage({ viewport: { width: 1280, height: 800 } });
    refused = watch(page);
  });

  it('runs the SPA, signed in and on its screens, with nothing refused', async () => {
    await signIn(page, demo.url, 'admin@acme.test', DEMO_PASSWORD);
    for (const screen of ['routes', 'plans', 'admin/members']) {
      await page.goto(`${demo.url}/app/${screen}`, { waitUntil: 'networkidle' });
      await page.locator('[data-testid="user-menu"]').waitFor();
    }
    expect(refused).toEqual([]);
  });

  it('renders Swagger UI at /docs under its own CSP with nothing refused', async () => {
    refused.length = 0;
    await page.goto(`${demo.url}/docs/`);
    await page.locator('.swagger-ui .opblock').first().waitFor();
    // Swagger UI renders the operations tag by tag as the page scrolls (the description's route table is long).
    await expect
      .poll(async () => {
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        return page.locator('.swagger-ui .opblock').count();
      }, { timeout: 15_000 })
      .toBeGreaterThan(10);
    expect(refused).toEqual([]);
  });
});
