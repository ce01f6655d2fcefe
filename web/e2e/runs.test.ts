import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { seedDemo } from '../../modules/identity';
import { seedDemo as seedPlans } from '../../modules/plans/index';
import { createTestDb } from '../../test/helpers';
import { assertBuilt, launchBrowser, shot, startGateway } from './harness';
import { DEMO_PASSWORD, signIn } from './login';
import { pdfText } from '../../test/pdf-text';
import { startWorker } from './worker';

const ACME = '00000000-0000-4000-8000-00000000ac3e';

/** A small employee file with the legacy plan's five inputs under realistic headers. */
function employeeCsv(n: number): string {
  const lines = ['Employee ID,Full Name,Department,Base Salary,Target %,Performance Score,Fund Return,Revenue'];
  for (let i = 1; i <= n; i++) lines.push(`E${String(i).padStart(4, '0')},Employee ${i},Sales,${60000 + i * 1000}.00,10%,0.${80 + (i % 10)},0.05,${100000 * i}`);
  return `${lines.join('\n')}\n`;
}

async function approveAs(browser: Browser, url: string, email: string, runId: string, comment: string) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(page, url, email, DEMO_PASSWORD);
  await page.locator('nav[aria-label="Main"]').getByText('Approvals').click();
  const row = page.locator(`[data-testid="approvals-inbox"] tr[data-subject-id="${runId}"]`);
  await row.getByRole('button', { name: 'Approve…' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.locator('textarea[name="comment"]').fill(comment);
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await dialog.waitFor({ state: 'detached' });
  await row.waitFor({ state: 'detached' });
  return page;
}

/**
 * Issue 14's walk, as `npm start` runs it (gateway + a real worker + chromium): HR uploads a file
 * (tus), maps it, checks the validation report and starts a run; the run page follows it live;
 * HR submits it; manager, HR and finance approve it from their inboxes; the run is finalized and
 * a statement PDF downloads and says what it should.
 */
describe('runs in a real browser', () => {
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;
  let stopWorker: () => Promise<void>;

  beforeAll(async () => {
    assertBuilt();
    const env = { DATABASE_URL: await createTestDb(), REDIS_PREFIX: `test:${randomBytes(6).toString('hex')}:`, STORAGE_DIR: mkdtempSync(path.join(tmpdir(), 'fig-e2e-storage-')) };
    ({ app, url } = await startGateway(env));
    await seedDemo(app.db);
    await seedPlans(app.db, ACME);
    ({ stop: stopWorker } = await startWorker(env));
    browser = await launchBrowser();
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await stopWorker?.();
    await app?.close();
  });

  it('upload → map → run → approve ×3 → finalized → statement', async () => {
    const hr: Page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    await signIn(hr, url, 'hr@acme.test', DEMO_PASSWORD);
    await hr.goto(`${url}/app/runs/new`);
    await hr.locator('h1', { hasText: 'New run' }).waitFor();
    await hr.locator('input[type="file"]').setInputFiles({ name: 'employees.csv', mimeType: 'text/csv', buffer: Buffer.from(employeeCsv(12)) });
    await hr.getByRole('button', { name: 'Upload', exact: true }).click();
    await hr.locator('[data-testid="mapping-step"]').waitFor();
    // Every suggestion is shown with its confidence; make the mapping explicit (the suggester is measured elsewhere).
    const mapping: Record<string, string> = {
      'Employee ID': 'employee_id', 'Full Name': 'name', Department: 'department', 'Base Salary': 'base_salary',
      'Target %': 'target_pct', 'Performance Score': 'performance_score', 'Fund Return': 'fund_return', Revenue: 'revenue',
    };
    for (const [column, target] of Object.entries(mapping)) await hr.getByLabel(`Target of ${column}`).selectOption(target);
    await shot(hr, 'runs-mapping');
    await hr.getByRole('button', { name: 'Apply mapping' }).click();
    await hr.locator('[data-testid="mapping-preview"] tbody tr').first().waitFor();
    expect(await hr.locator('[data-testid="mapping-preview"] tbody tr').count()).toBe(12);
    await hr.locator('[data-testid="validation-step"]', { hasText: 'No problems' }).waitFor();
    await hr.getByRole('button', { name: 'Start run' }).click();

    await hr.locator('[data-testid="run-page"][data-status="completed"]').waitFor({ timeout: 60_000 });
    const runId = /\/runs\/(\d+)/.exec(hr.url())![1]!;
    await hr.locator('[data-testid="pool-chart"]').waitFor();
    await hr.getByRole('button', { name: 'Submit for approval' }).click();
    await hr.locator('[data-testid="approval-steps"] [data-state="waiting"]', { hasText: 'Manager review' }).waitFor();
    await shot(hr, 'runs-submitted');

    (await approveAs(browser, url, 'manager@acme.test', runId, 'Numbers match the budget')).close();
    (await approveAs(browser, url, 'hr@acme.test', runId, 'HR checked')).close();
    const finance = await approveAs(browser, url, 'finance@acme.test', runId, 'Pool confirmed');
    await finance.goto(`${url}/app/runs/${runId}`);
    await finance.locator('[data-testid="run-page"][data-status="finalized"]').waitFor();
    const steps = await finance.locator('[data-testid="approval-steps"]').textContent();
    expect(steps).toContain('Numbers match the budget');
    expect(steps).toContain('finance@acme.test');
    await finance.close();

    await hr.reload();
    await hr.locator('[data-testid="run-page"][data-status="finalized"]').waitFor();
    await hr.locator('[data-testid="results-table"] [role="row"][aria-rowindex="2"]').waitFor();
    const download = hr.waitForEvent('download');
    await hr.getByRole('button', { name: 'Statement of E0001' }).click();
    const file = await (await download).path();
    const text = pdfText(await import('node:fs/promises').then((fs) => fs.readFile(file)));
    expect(text).toContain('E0001');
    expect(text).toMatch(/Employee 1\b/);
    // The tape in plain language: inputs, each step with its value, the result.
    expect(text).toContain('Compensation statement');
    expect(text).toContain('Your inputs');
    expect(text).toMatch(/Step 1: .+ gives \w+ = [\d.]+\./);
    expect(text).toMatch(/Your \w+ is 6031\.68/);
    // The CSV export of the frozen results, through the page's button.
    const csvDownload = hr.waitForEvent('download');
    await hr.getByRole('button', { name: 'CSV', exact: true }).click();
    const csv = await import('node:fs/promises').then(async (fs) => fs.readFile((await (await csvDownload).path())!, 'utf8'));
    expect((await csvDownload).suggestedFilename()).toBe(`run-${runId}.csv`);
    expect(csv).toMatch(/^row_no,employee_id,name,department,ok,payout,pool_share,/);
    expect(csv).toContain('2,E0001,Employee 1,');
    await shot(hr, 'runs-finalized');
    await hr.close();
  });
});
