import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { TEST_ADMIN_TOKEN, buildTestApp, legacyUrl } from '../../test/helpers';
import { APAR_ROUTE_KEYS, backfillApar } from './index';

/**
 * The AP/AR family walks legacy → shadow (writes dual-written, reads diffed) → canary → new.
 * Legacy is the truth during shadow: fig writes the same rows with legacy's ids.
 */

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const enc = encodeURIComponent;
const WRITES = APAR_ROUTE_KEYS.filter((k) => k.startsWith('POST '));
const tenantId = randomUUID();
let app: FastifyInstance;

const flip = (key: string, body: Record<string, unknown>) =>
  app.inject({ method: 'PUT', url: `/_fig/routes/${enc(key)}`, headers: auth, payload: body });
const settings = (key: string, body: Record<string, unknown>) =>
  app.inject({
    method: 'PUT',
    url: `/_fig/routes/${enc(key)}/settings`,
    headers: auth,
    payload: { reason: 'apar migration', ...body },
  });
const stats = async (key: string) =>
  (await app.inject({ url: `/_fig/routes/${enc(key)}/shadow?window=15m`, headers: auth })).json().totals;

beforeAll(async () => {
  ({ app } = await buildTestApp({
    LEGACY_TENANT: tenantId,
    SHADOW_NOISE_SAMPLE_RATE: '0',
    AUTOROLLBACK_ENABLED: 'false',
    SHADOW_REVERSE_SAMPLE_RATE: '0',
  }));
}, 60_000);
afterAll(() => app?.close());

describe('AP/AR cutover: backfill, dual-write shadow, canary, new', () => {
  it('backfills, then dual-writes in shadow with legacy answering and zero mismatches', async () => {
    await backfillApar({ db: app.db, log: app.log, legacyUrl: legacyUrl(), tenantId });
    for (const key of WRITES)
      expect(
        (await settings(key, { writePolicy: 'dual-write', normalise: { ignore: ['$.created_at'] } }))
          .statusCode,
      ).toBe(200);
    for (const key of APAR_ROUTE_KEYS)
      expect((await flip(key, { mode: 'shadow', reason: 'apar: shadow' })).statusCode).toBe(200);

    const post = async (url: string, payload: object) => {
      const res = await app.inject({ method: 'POST', url, payload });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers.server).toBe('uvicorn'); // legacy answered
      await app.shadow.drain();
      return res.json();
    };
    const c = await post('/api/v1/customers', { name: 'Shadow Co' });
    const inv = await post('/api/v1/invoices', {
      customer_id: c.id,
      amount: '120.40',
      issue_date: '2025-05-01',
      due_date: '2025-05-31',
    });
    await post('/api/v1/invoices', {
      customer_id: c.id,
      amount: '10',
      issue_date: '2025-05-01',
      due_date: '2025-05-15',
    });
    const pay = await post('/api/v1/payments', { customer_id: c.id, amount: '50', date: '2025-06-01' }); // oldest due first, decided by legacy
    await post('/api/v1/bills', {
      vendor_id: 2,
      amount: '75',
      issue_date: '2025-05-01',
      due_date: '2025-06-01',
    });

    for (const url of [
      `/api/v1/customers/${c.id}`,
      `/api/v1/invoices/${inv.id}`,
      `/api/v1/payments/${pay.id}`,
      '/api/v1/invoices?limit=1000',
      '/api/v1/payments?limit=1000',
      '/api/v1/bills?status=open',
      '/api/v1/reports/aging?as_of=2025-06-30',
    ])
      expect((await app.inject({ url })).statusCode).toBe(200);
    await app.shadow.drain();
    for (const key of WRITES) expect(await stats(key), key).toMatchObject({ mismatches: 0, errors: 0 });
    for (const key of [
      'GET /api/v1/customers/{id}',
      'GET /api/v1/invoices/{id}',
      'GET /api/v1/payments/{id}',
      'GET /api/v1/invoices',
      'GET /api/v1/reports/aging',
    ])
      expect(await stats(key), key).toMatchObject({ samples: 1, matches: 1, mismatches: 0, errors: 0 });
    const issues = await app.db.selectFrom('shadow.reconciliation_issues').selectAll().execute();
    expect(issues).toEqual([]);
    const mapping = await app.db
      .selectFrom('shadow.external_id_mappings')
      .selectAll()
      .where('route_key', '=', 'POST /api/v1/invoices')
      .execute();
    expect(mapping).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ legacy_id: String(inv.id), new_id: String(inv.id) }),
      ]),
    );
  }, 240_000);

  it('goes canary for every tenant, then new; fig answers what legacy holds', async () => {
    for (const key of APAR_ROUTE_KEYS)
      expect(
        (await flip(key, { mode: 'canary', canaryPercent: 100, reason: 'apar: canary', override: true }))
          .statusCode,
      ).toBe(200);
    for (const key of APAR_ROUTE_KEYS)
      expect(
        (await flip(key, { mode: 'new', reason: 'apar: cut over the family', override: true })).statusCode,
      ).toBe(200);
    for (const url of [
      '/api/v1/customers?limit=1000',
      '/api/v1/invoices?limit=1000',
      '/api/v1/payments?limit=1000',
      '/api/v1/bills?limit=1000',
      '/api/v1/reports/aging?as_of=2025-06-30',
    ]) {
      const viaFig = await app.inject({ url });
      expect(viaFig.headers.server, url).toBeUndefined();
      expect(viaFig.json(), url).toEqual(await (await fetch(new URL(url, legacyUrl()))).json());
    }
  }, 120_000);
});
