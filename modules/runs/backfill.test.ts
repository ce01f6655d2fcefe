import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { TEST_ADMIN_TOKEN, buildTestApp, legacyUrl, ownerDb } from '../../test/helpers';
import type { Db } from '../core/db';
import { backfillBonus, reconcileBonusRecord } from './index';

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const legacy = async <T>(path: string): Promise<T> =>
  (await fetch(new URL(path, legacyUrl()))).json() as Promise<T>;

describe('npm run shadow -- backfill bonus', () => {
  let app: FastifyInstance;
  let owner: Db;
  let tenant: string;

  beforeAll(async () => {
    ({ app } = await buildTestApp({ SHADOW_NOISE_SAMPLE_RATE: '0', AUTOROLLBACK_ENABLED: 'false' }));
    owner = ownerDb(app.config);
    tenant = app.config.LEGACY_TENANT;
  });
  afterAll(async () => {
    await owner?.destroy();
    await app?.close();
  });

  it("copies every legacy record with its own id, and fig then answers the legacy routes with legacy's bytes", async () => {
    const before = {
      uploads: (await legacy<{ items: { id: number }[] }>('/api/v1/uploads?limit=1000')).items,
      batches: (await legacy<{ items: { id: number; upload_id: number }[] }>('/api/v1/batches?limit=1000'))
        .items,
      scenarios: (await legacy<{ items: { id: number }[] }>('/api/v1/scenarios?limit=1000')).items,
    };
    expect(before.uploads.length).toBeGreaterThanOrEqual(3);
    expect(before.batches.length).toBeGreaterThanOrEqual(3);

    const report = await backfillBonus({ db: app.db, legacyUrl: legacyUrl() }, tenant);
    expect(report.unmapped).toEqual([]);
    expect(report.uploads.copied).toBeGreaterThanOrEqual(before.uploads.length);
    expect(report.batches.copied).toBeGreaterThanOrEqual(before.batches.length);
    expect(report.scenarios.copied).toBeGreaterThanOrEqual(before.scenarios.length);
    expect(report.results.copied).toBeGreaterThan(0);
    expect(report.bandVersions.legacy).toBeGreaterThanOrEqual(1);

    const ids = async (table: 'runs.uploads' | 'runs.runs' | 'runs.scenarios') =>
      (await owner.selectFrom(table).select('id').where('tenant_id', '=', tenant).execute()).map((r) => r.id);
    expect(await ids('runs.uploads')).toEqual(expect.arrayContaining(before.uploads.map((u) => u.id)));
    expect(await ids('runs.runs')).toEqual(expect.arrayContaining(before.batches.map((b) => b.id)));
    expect(await ids('runs.scenarios')).toEqual(expect.arrayContaining(before.scenarios.map((s) => s.id)));
    const maxBatch = Math.max(...before.batches.map((b) => b.id));
    expect(report.nextIds['runs.runs']).toBeGreaterThan(maxBatch);

    // fig answers the read routes of the family from the copy: same bytes as legacy.
    const keys = [
      'GET /api/v1/uploads/{id}',
      'GET /api/v1/uploads/{id}/rows',
      'GET /api/v1/batches/{id}',
      'GET /api/v1/batches/{id}/results',
      'GET /api/v1/batches/{id}/export.csv',
    ];
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/_fig/route-groups/flip',
          headers: auth,
          payload: { keys, mode: 'new', reason: 'read the backfilled copy', override: true },
        })
      ).statusCode,
    ).toBe(200);
    const b = before.batches[0]!;
    for (const path of [
      `/api/v1/uploads/${b.upload_id}`,
      `/api/v1/uploads/${b.upload_id}/rows?limit=7&offset=2`,
      `/api/v1/batches/${b.id}`,
      `/api/v1/batches/${b.id}/results?limit=1000`,
      `/api/v1/batches/${b.id}/export.csv`,
    ]) {
      const fig = await app.inject({ url: path });
      const old = await fetch(new URL(path, legacyUrl()));
      expect(fig.headers.server, path).toBeUndefined(); // fig answered, not the proxy
      expect([path, fig.statusCode, fig.body]).toEqual([path, old.status, await old.text()]);
    }
  });

  it('is idempotent: a second run copies nothing and finds every record already there', async () => {
    const report = await backfillBonus({ db: app.db, legacyUrl: legacyUrl() }, tenant);
    expect(report.unmapped).toEqual([]);
    expect([
      report.uploads.copied,
      report.batches.copied,
      report.scenarios.copied,
      report.bandVersions.copied,
      report.rows.copied,
      report.results.copied,
    ]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(report.uploads.existing).toBe(report.uploads.legacy);
    expect(report.batches.existing).toBe(report.batches.legacy);
    expect(report.scenarios.existing).toBe(report.scenarios.legacy);
  });

  it("reports a record it cannot map instead of overwriting fig's", async () => {
    const [first] = (await legacy<{ items: { id: number }[] }>('/api/v1/uploads?limit=1')).items;
    await owner
      .updateTable('runs.uploads')
      .set({ sha256: 'f'.repeat(64) })
      .where('id', '=', first!.id)
      .where('tenant_id', '=', tenant)
      .execute();
    const report = await backfillBonus({ db: app.db, legacyUrl: legacyUrl() }, tenant);
    expect(report.unmapped).toEqual([
      {
        entity: 'upload',
        id: first!.id,
        reason: expect.stringContaining(`fig's upload ${first!.id} is another file (sha256 ffffffffffff`),
      },
    ]);
    expect(report.uploads.unmapped).toBe(1);
    const kept = await owner
      .selectFrom('runs.uploads')
      .select('sha256')
      .where('id', '=', first!.id)
      .executeTakeFirstOrThrow();
    expect(kept.sha256).toBe('f'.repeat(64));
  });
});

describe('reconciling bonus drift (npm run shadow -- reconcile)', () => {
  it('copies a record fig lacks from legacy, leaves an equal one, and refuses to overwrite a different one', async () => {
    const { app } = await buildTestApp({ SHADOW_NOISE_SAMPLE_RATE: '0', AUTOROLLBACK_ENABLED: 'false' });
    const owner = ownerDb(app.config);
    try {
      const tenant = app.config.LEGACY_TENANT;
      await backfillBonus({ db: app.db, legacyUrl: legacyUrl() }, tenant);
      const [b] = (await legacy<{ items: { id: number }[] }>('/api/v1/batches?limit=1')).items;
      await owner.deleteFrom('runs.scenarios').where('run_id', '=', b!.id).execute();
      await owner.deleteFrom('runs.runs').where('id', '=', b!.id).execute();
      const deps = { db: app.db, legacyUrl: legacyUrl() };
      expect(await reconcileBonusRecord(deps, tenant, 'batch', String(b!.id))).toBe(
        `copied legacy batch ${b!.id} into fig`,
      );
      expect(await reconcileBonusRecord(deps, tenant, 'batch', String(b!.id))).toBe(
        `fig already holds legacy's batch ${b!.id}`,
      );
      await owner.updateTable('runs.runs').set({ total_bonus: '1' }).where('id', '=', b!.id).execute();
      await expect(reconcileBonusRecord(deps, tenant, 'batch', String(b!.id))).rejects.toThrow(
        `fig's run ${b!.id} is another batch`,
      );
      await expect(reconcileBonusRecord(deps, tenant, 'upload', '987654')).rejects.toThrow(
        'legacy has no upload 987654',
      );
    } finally {
      await owner.destroy();
      await app.close();
    }
  });
});
