import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { legacyUrl } from '../../test/helpers';
import { loginAs } from '../../test/auth';
import { withTenant } from '../../modules/core/db';
import { executeReport, insertReport, parityRunJob } from '../../modules/parity/index';
import { startJobWorker } from '../../modules/core/job-worker';
import pino from 'pino';
import type { Worker } from 'bullmq';
import { LegacyClient, legacyEquivalentPlan, parityRunner } from '../../legacy-shadow/parity/index';
import { shot, startDemo } from './harness';
import { DEMO_PASSWORD, signIn } from './login';

const ACME = '00000000-0000-4000-8000-00000000ac3e';

/**
 * The finance flow of issue 7 in a real browser against a real gateway, the run's legacy service,
 * Postgres and Redis: run a historical parity report from the UI, read its summary and Gate A,
 * export it, sign it off; drill into an employee whose tapes differ; and see that a user without
 * parity.signoff cannot sign off (the UI disables it, the API refuses it).
 */
describe('finance parity flow in a real browser', () => {
  let app: FastifyInstance;
  let url: string;
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;
  let worker: Worker | undefined;
  const contexts: BrowserContext[] = [];
  /** A report whose new engine ran a perturbed plan: real mismatches from the real runner. */
  let perturbedId: string;
  /** Employees in the legacy service's historical batches (what "historical all" compares, plus 10 canonical cases). */
  let historicalEmployees: number;

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(25_000); // a loaded 2-core CI box can be slow; waits end as soon as the element shows
    return page;
  }

  beforeAll(async () => {
    ({ app, url, browser, close } = await startDemo());
    // What `npm run worker` does for the parity queue, in this process: the UI's reports run there.
    const ctx = { config: app.config, db: app.db, redis: app.redis, log: pino({ level: 'silent' }), signal: new AbortController().signal };
    worker = startJobWorker(parityRunJob(parityRunner), ctx, { url: app.config.REDIS_URL, maxRetriesPerRequest: null }, `${app.config.REDIS_PREFIX}bull`);

    const batches = await new LegacyClient(legacyUrl()).listBatches();
    historicalEmployees = batches.reduce((a, b) => a + b.employee_count, 0);

    // Fixture: the new engine's fund_factor is off by a factor of 1.001 above the 2% threshold, so
    // fund_factor is the first differing step and raw/capped/bonus differ after it.
    const base = legacyEquivalentPlan();
    const plan = {
      ...base,
      steps: base.steps.map((s) =>
        s.key === 'fund_factor'
          ? { ...s, expr: 'if(fund_return < 0.02) then 0.8 else min(1 + (fund_return - 0.02) * 1.001, 1.5)' }
          : s,
      ),
    };
    const source = { kind: 'generated' as const, employees: 60, seed: 7 };
    const row = await withTenant(app.db, ACME, (trx) =>
      insertReport(trx, {
        tenantId: ACME,
        name: 'E2E perturbed fund factor',
        source,
        planRef: { name: 'e2e-perturbed' },
        createdBy: 'ops@acme.test',
      }),
    );
    const report = await executeReport(
      { db: app.db, config: app.config, log: app.log, runner: parityRunner },
      ACME,
      row.id,
      source,
      { plan, planName: 'e2e-perturbed' },
    );
    expect(report.status).toBe('done');
    expect(report.mismatched).toBeGreaterThan(0);
    perturbedId = report.id;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await worker?.close();
    await close?.();
  });

  it('finance runs a historical report from the UI, reads the summary and Gate A, exports it and signs it off', async () => {
    expect(historicalEmployees).toBeGreaterThanOrEqual(1000);
    const page = await newPage();
    await signIn(page, url, 'finance@acme.test', DEMO_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Parity' }).click();
    await page.locator(`tr[data-report="${perturbedId}"]`).waitFor();
    expect(await page.locator('[data-testid="engine-gate"]').getAttribute('data-passed')).toBe('false');

    // Run parity on every historical batch; the form validates first.
    await page.getByRole('button', { name: 'Run parity…' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.locator('input[name="name"]').fill('');
    await dialog.getByRole('button', { name: 'Run parity' }).click();
    expect(await dialog.locator('.field-error').first().innerText()).toBe('Give the report a name');
    await dialog.locator('input[name="name"]').fill('E2E history');
    await shot(page, 'parity-run-dialog');
    await dialog.getByRole('button', { name: 'Run parity' }).click();
    await page.waitForURL(/\/app\/parity\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const reportId = page.url().split('/').at(-1)!;

    // Summary: every employee compared, all identical.
    await page.locator('[data-testid="summary"]').waitFor();
    expect(await page.locator('[data-testid="stat-employees"] .stat-value').innerText()).toBe(
      (historicalEmployees + 10).toLocaleString('en-US'),
    );
    expect(await page.locator('[data-testid="stat-match-rate"] .stat-value').innerText()).toBe('100.00%');
    expect(await page.locator('[data-testid="stat-max-diff"] .stat-value').innerText()).toBe('0.00');
    expect(await page.locator('tr[data-output="bonus"] td').allInnerTexts()).toEqual([
      'bonus',
      (historicalEmployees + 10).toLocaleString('en-US'),
      '0',
      '0',
      '0.00',
    ]);
    await page.getByText('No mismatches', { exact: true }).waitFor();

    // Gate A: the three checks pass, with their evidence.
    const gate = page.locator('[data-testid="gate-a"]');
    expect(await gate.locator('li[data-passed="true"]').count()).toBe(3);
    await gate.locator('li[data-check="historical_sample"] summary').click();
    const evidence = gate.locator('li[data-check="historical_sample"] .evidence');
    expect(await evidence.locator('.total-row td').allInnerTexts()).toEqual([
      'Total',
      historicalEmployees.toLocaleString('en-US'),
    ]);
    await gate.locator('li[data-check="canonical_half_even"] summary').click();
    expect(await gate.locator('li[data-check="canonical_half_even"] .evidence tbody tr').count()).toBe(10);
    await shot(page, 'parity-report-passed');

    // Exports download through the bearer token.
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="export-csv"]').click(),
    ]);
    expect(csv.suggestedFilename()).toBe('parity-E2E-history.csv');
    expect(readFileSync((await csv.path())!, 'utf8').split(/\r?\n/)[0]).toBe(
      'batch_id,employee_id,output,legacy_value,new_value,abs_diff,within_tolerance,first_diff_step',
    );
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="export-xlsx"]').click(),
    ]);
    expect(xlsx.suggestedFilename()).toBe('parity-E2E-history.xlsx');
    expect(
      readFileSync((await xlsx.path())!)
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');

    // Sign off: a note is required, then the report shows who signed and when.
    await page.locator('[data-testid="sign-off"]').click();
    const signDialog = page.locator('dialog[open]');
    await signDialog.locator('[data-testid="sign-off-confirm"]').click();
    expect(await signDialog.locator('.field-error').innerText()).toContain('at least 3 characters');
    await signDialog.locator('#sign-off-note').fill('E2E: reviewed the full history, no differences.');
    await shot(page, 'parity-sign-off-dialog');
    await signDialog.locator('[data-testid="sign-off-confirm"]').click();
    await signDialog.waitFor({ state: 'detached' });
    const signed = page.locator('[data-testid="signed-off"]');
    await signed.waitFor();
    expect(await signed.innerText()).toContain('Signed off by finance@acme.test');
    expect(await signed.innerText()).toContain('E2E: reviewed the full history, no differences.');
    expect(await page.locator('[data-testid="sign-off"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid="sign-off"]').getAttribute('title')).toContain(
      'Already signed off by finance@acme.test',
    );
    await shot(page, 'parity-signed-off');

    // The list shows it signed and the engine gate passes on it.
    await page.getByRole('link', { name: 'Parity reports' }).first().click();
    const listed = page.locator(`tr[data-report="${reportId}"]`);
    await listed.waitFor();
    expect(await listed.locator('.signed-by').innerText()).toBe('✓ finance@acme.test');
    await page.locator('[data-testid="engine-gate"][data-passed="true"]').waitFor();
    await shot(page, 'parity-list');

    // Recorded server-side too: the report and its audit event.
    const audit = await withTenant(app.db, ACME, (trx) =>
      trx
        .selectFrom('audit.events')
        .select(['actor', 'action', 'entity_id'])
        .where('action', '=', 'parity.report.sign_off')
        .where('entity_id', '=', reportId)
        .execute(),
    );
    expect(audit).toEqual([
      { actor: 'finance@acme.test', action: 'parity.report.sign_off', entity_id: reportId },
    ]);
  });

  it('drills into an employee whose tapes differ: both tapes side by side, the first differing step marked', async () => {
    const page = await newPage();
    await signIn(page, url, 'finance@acme.test', DEMO_PASSWORD);
    await page.goto(`${url}/app/parity/${perturbedId}`);
    await page.locator('[data-testid="summary"]').waitFor();
    expect(await page.locator('h1 .badge').last().innerText()).toBe('✗ Gate A failed');
    const sign = page.locator('[data-testid="sign-off"]');
    expect(await sign.isDisabled()).toBe(true);
    expect(await sign.getAttribute('title')).toMatch(/^Gate A failed \(.*within_tolerance.*\)/);

    // The mismatch list pages and filters.
    const rows = page.locator('.mismatch-table tbody tr');
    await rows.first().waitFor();
    const range = page.locator('[data-testid="mismatch-range"]');
    const total = Number((await range.innerText()).split(' of ')[1]!.replace(/,/g, ''));
    expect(total).toBeGreaterThan(25);
    expect(await range.innerText()).toBe(`1–25 of ${total.toLocaleString('en-US')}`);
    await page.getByRole('button', { name: 'Next ›' }).click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="mismatch-range"]')?.textContent?.startsWith('26–'),
    );
    await page.getByRole('button', { name: '‹ Previous' }).click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="mismatch-range"]')?.textContent?.startsWith('1–'),
    );

    await page.getByLabel('Filter by output').selectOption('fund_factor');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.mismatch-table tbody tr td:nth-child(3)')].every(
        (td) => td.textContent === 'fund_factor',
      ),
    );
    await page.getByLabel('Minimum difference').fill('1000');
    await page.getByText('No mismatch matches these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Filter by output').selectOption('bonus');
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('.mismatch-table tbody tr td:nth-child(3)')];
      return cells.length > 0 && cells.every((td) => td.textContent === 'bonus');
    });
    await shot(page, 'parity-mismatches');

    // Drill into the employee with the largest bonus difference.
    const first = rows.first();
    const employeeId = (await first.getAttribute('data-employee'))!;
    const [legacyBonus, newBonus] = await Promise.all([
      first.locator('td:nth-child(4)').innerText(),
      first.locator('td:nth-child(5)').innerText(),
    ]);
    await first.click();
    await page.waitForURL(
      new RegExp(`/app/parity/${perturbedId}/employees/${employeeId}\\?batchId=generated$`),
    );
    const tapes = page.locator('[data-testid="tapes"]');
    await tapes.waitFor();
    expect(await page.locator('[data-testid="first-diff-step"]').innerText()).toBe('fund_factor');
    expect(await tapes.locator('tr[data-first]').getAttribute('data-step')).toBe('fund_factor');
    expect(await tapes.locator('tr.first-diff .first-marker').innerText()).toBe('first difference');
    // Steps before the first difference are identical; the bonus line shows the values of the list.
    expect(await tapes.locator('tr[data-step="perf_multiplier"]').getAttribute('class')).not.toContain(
      'differs',
    );
    const bonus = await tapes.locator('tr[data-step="bonus"] td').allInnerTexts();
    expect(bonus.slice(1, 5)).toEqual(['bonus', 'bonus', legacyBonus, newBonus]);
    expect(bonus[5]).toMatch(/^[+−]/);
    await shot(page, 'parity-employee');
  });

  it('a user without parity.signoff sees the sign-off disabled, and the API refuses it', async () => {
    const ops = await loginAs(app, { roles: [], platformRoles: ['ops'], tenantId: ACME });
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/parity/reports',
      headers: ops.headers,
      payload: { name: 'E2E ops history', source: { kind: 'historical', batchIds: 'all' } },
    });
    expect(created.statusCode).toBe(201);
    const report = created.json() as { id: string; gateA: { passed: boolean } };
    expect(report.gateA.passed).toBe(true);

    const page = await newPage();
    await signIn(page, url, 'ops@acme.test', DEMO_PASSWORD);
    await page.goto(`${url}/app/parity/${report.id}`);
    await page.locator('[data-testid="summary"]').waitFor();
    const sign = page.locator('[data-testid="sign-off"]');
    expect(await sign.isDisabled()).toBe(true);
    expect(await sign.getAttribute('title')).toBe(
      'Only finance can sign off a parity report (permission parity.signoff).',
    );
    expect(await page.locator('[data-testid="sign-off-state"]').innerText()).toBe(
      'Not signed off. Only finance can sign off a parity report (permission parity.signoff).',
    );
    await shot(page, 'parity-ops-cannot-sign');

    const refused = await app.inject({
      method: 'POST',
      url: `/api/v1/parity/reports/${report.id}/sign-off`,
      headers: ops.headers,
      payload: { note: 'ops tries' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ status: 403, code: 'FIG_FORBIDDEN' });

    // The cutover console shows each route's gate next to its mode switch, with the evidence.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cutover' }).click();
    const row = page.locator('tr[data-route="GET /api/v1/admin/revenue-bands"]');
    await row.waitFor();
    const badge = row.locator('[data-testid="route-gate"]');
    expect(await badge.getAttribute('data-passed')).toBe('false');
    await badge.click();
    const panel = page.locator('[data-testid="route-gate-panel"]');
    await panel.locator('li[data-check="samples"]').waitFor();
    expect(await panel.locator('li[data-check="samples"] .mark').getAttribute('aria-label')).toBe('failed');
    expect(await panel.locator('li[data-check="servable"] .mark').getAttribute('aria-label')).toBe('passed');
    await shot(page, 'console-route-gate');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });

    // An engine route's gate includes finance's parity sign-off, as the engine gate API reports it.
    const engine = (
      await app.inject({ method: 'GET', url: '/api/v1/parity/engine-gate', headers: ops.headers })
    ).json() as { passed: boolean };
    const calc = page.locator('tr[data-route="POST /api/v1/calculate"]');
    await calc.locator('[data-testid="route-gate"]').click();
    await panel.locator('li[data-check="engineParity"]').waitFor();
    expect(await panel.locator('li[data-check="engineParity"] .mark').getAttribute('aria-label')).toBe(
      engine.passed ? 'passed' : 'failed',
    );
    await shot(page, 'console-engine-gate');
  });
});
