import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TEST_ADMIN_TOKEN, legacyUrl } from '../../test/helpers';
import { shot, useDemo } from './harness';
import { DEMO_PASSWORD, signIn } from './login';

const KEY = 'GET /api/v1/admin/revenue-bands';

describe('cutover console in a real browser', () => {
  const demo = useDemo();
  let page: Page;

  beforeAll(async () => {
    page = await demo.browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  /** Who answered a plain API client: the legacy service (uvicorn) or a fig module. */
  async function answeredBy(): Promise<{ by: 'legacy' | 'module'; status: number; body: unknown }> {
    const res = await fetch(`${demo.url}/api/v1/admin/revenue-bands`);
    return { by: res.headers.get('server') === 'uvicorn' ? 'legacy' : 'module', status: res.status, body: await res.json() };
  }

  /** Flip in the UI. Without parity evidence the gate refuses `new`: then override it (ops may, recorded). */
  async function flipInUi(mode: 'new' | 'legacy', reason: string, opts: { expectGate?: boolean } = {}) {
    const row = page.locator(`tr[data-route="${KEY}"]`);
    await row.locator(`[data-testid="flip-${mode}"]`).click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    await dialog.locator('#flip-reason').fill(reason);
    if (opts.expectGate) {
      await dialog.getByRole('button', { name: `Switch to ${mode}` }).click();
      const gate = dialog.locator('[data-testid="gate-failed"]');
      await gate.waitFor();
      expect(await gate.innerText()).toContain('samples');
      // Refused: the optimistic mode rolled back.
      await row.locator('.badge-mode[data-mode="legacy"]').waitFor();
      await shot(page, 'flip-gate-refused');
      await dialog.getByLabel(/Override the parity gate/).check();
    }
    await dialog.getByRole('button', { name: `Switch to ${mode}` }).click();
    await dialog.waitFor({ state: 'detached' }).catch(async (err: Error) => {
      // Say what the dialog shows (a refused flip shows the gateway's problem detail).
      throw new Error(`the flip dialog did not close: ${await dialog.locator('.dialog-body').innerText().catch(() => '?')}`, { cause: err });
    });
    await row.locator(`.badge-mode[data-mode="${mode}"]`).waitFor();
  }

  it('flips GET /api/v1/admin/revenue-bands to new with a reason, the module answers, and back to legacy', async () => {
    expect(await answeredBy()).toMatchObject({ by: 'legacy', status: 200 });
    const legacyBody = await (await fetch(`${legacyUrl()}/api/v1/admin/revenue-bands`)).json();

    await signIn(page, demo.url, 'ops@acme.test', DEMO_PASSWORD);
    await page.locator(`tr[data-route="${KEY}"]`).waitFor();
    await shot(page, 'console');

    // A flip without a reason is refused in the dialog, before any request.
    const row = page.locator(`tr[data-route="${KEY}"]`);
    await row.locator('[data-testid="flip-new"]').click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByRole('button', { name: 'Switch to new' }).click();
    expect(await dialog.locator('.field-error').textContent()).toContain('at least 3 characters');
    await shot(page, 'flip-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    await flipInUi('new', 'e2e: bands module has full parity', { expectGate: true });
    const viaModule = await answeredBy();
    expect(viaModule).toMatchObject({ by: 'module', status: 200 });
    expect(viaModule.body).toEqual(legacyBody);
    await page.locator('.history').getByText('e2e: bands module has full parity').waitFor();
    await shot(page, 'console-after-flip');

    const changes = await (
      await fetch(`${demo.url}/_fig/route-changes?routeKey=${encodeURIComponent(KEY)}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })
    ).json();
    expect(changes.data[0]).toMatchObject({ routeKey: KEY, actor: 'ops@acme.test', reason: 'e2e: bands module has full parity', override: true, after: { mode: 'new' } });

    await flipInUi('legacy', 'e2e: back to legacy');
    expect(await answeredBy()).toMatchObject({ by: 'legacy', status: 200 });
  });

  it('kill switch needs the confirmation word and sends every route back to legacy', async () => {
    await flipInUi('new', 'e2e: before the kill switch', { expectGate: true });
    expect((await answeredBy()).by).toBe('module');

    await page.getByRole('button', { name: 'Kill switch…' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Send all routes to legacy' });
    await dialog.locator('#kill-reason').fill('e2e: incident drill');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.locator('#kill-word').fill('LEGACY');
    await shot(page, 'kill-switch');
    await confirm.click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`tr[data-route="${KEY}"] .badge-mode[data-mode="legacy"]`).waitFor();
    expect(await answeredBy()).toMatchObject({ by: 'legacy', status: 200 });
  });
});
