import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, legacyUrl } from '../../test/helpers';
import { createAparService, reconcileAparRecord } from './index';

/** Reconciling AP/AR dual-write drift (legacy is the truth): copy what fig lacks, refuse to overwrite a difference. */

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildTestApp());
}, 60_000);
afterAll(() => app?.close());

const post = async (path: string, body: object) => {
  const res = await fetch(new URL(path, legacyUrl()), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: number; balance?: string };
};

describe('AP/AR reconciliation', () => {
  it('copies records fig lacks with legacy ids, then reports equality or the differing fields', async () => {
    const tenantId = randomUUID();
    const deps = { db: app.db, legacyUrl: legacyUrl() };
    const service = createAparService({ db: app.db, log: app.log });
    const caller = { tenantId, actor: 't' };

    const c = await post('/api/v1/customers', { name: 'Drift Co' });
    const inv = await post('/api/v1/invoices', {
      customer_id: c.id,
      amount: '100',
      issue_date: '2025-03-01',
      due_date: '2025-03-31',
    });
    const pay = await post('/api/v1/payments', {
      customer_id: c.id,
      amount: '40',
      date: '2025-03-10',
      allocations: [{ invoice_id: inv.id, amount: '40' }],
    });

    expect(await reconcileAparRecord(deps, tenantId, '/api/v1/customers', String(c.id))).toMatch(/^copied/);
    expect(await reconcileAparRecord(deps, tenantId, '/api/v1/invoices', String(inv.id))).toMatch(/^copied/);
    expect(await reconcileAparRecord(deps, tenantId, '/api/v1/payments', String(pay.id))).toMatch(/^copied/);
    expect((await service.getDocument(caller, 'invoice', inv.id)).balance).toBe('60');
    expect(await reconcileAparRecord(deps, tenantId, '/api/v1/invoices', String(inv.id))).toMatch(
      /already equals/,
    );

    // Drift: fig holds a payment legacy never saw; the invoice differs and is not overwritten.
    await service.recordPayment(caller, 'received', {
      partyId: c.id,
      amount: '10',
      date: '2025-03-11',
      allocations: [{ documentId: inv.id, amount: '10' }],
    });
    await expect(reconcileAparRecord(deps, tenantId, '/api/v1/invoices', String(inv.id))).rejects.toThrow(
      /differs from legacy's in amount_paid, balance/,
    );
    expect((await service.getDocument(caller, 'invoice', inv.id)).balance).toBe('50');
    await expect(reconcileAparRecord(deps, tenantId, '/api/v1/bills', '999999')).rejects.toThrow(
      /legacy has no/,
    );
  }, 120_000);
});
