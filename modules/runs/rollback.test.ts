import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { TEST_ADMIN_TOKEN, buildTestApp } from '../../test/helpers';
import { startLegacy } from '../../test/global-setup';
import { backfillBonus, reverseSyncBonus } from './index';

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const CSV =
  'employee_id,name,department,base_salary,target_pct,performance_score,fund_return,revenue\nR1,Ann,Sales,90000,10,1.1,0.05,2500000\nR2,"Bo, Jr",Ops,70000.50,12,0.8,-0.02,400000\n';

/**
 * The rollback policy after writes in `new`: legacy is stopped while fig writes, comes back, the
 * reverse sync replays fig's records on legacy with the same ids, and after the flip back legacy
 * answers every one of them as fig did.
 */
describe('rolling the bonus family back to legacy after writes in new', { timeout: 180_000 }, () => {
  let legacy: Awaited<ReturnType<typeof startLegacy>>;
  let app: FastifyInstance;

  beforeAll(async () => {
    legacy = await startLegacy({ restartable: true });
    ({ app } = await buildTestApp({
      LEGACY_URL: legacy.url,
      SHADOW_NOISE_SAMPLE_RATE: '0',
      AUTOROLLBACK_ENABLED: 'false',
    }));
  });
  afterAll(async () => {
    await app?.close();
    await legacy?.stop();
    legacy?.remove();
  });

  const group = (mode: string) =>
    app.inject({
      method: 'POST',
      url: '/_fig/route-groups/flip',
      headers: auth,
      payload: { module: 'runs', mode, reason: `family to ${mode}`, override: true },
    });

  it('keeps every record fig wrote while legacy was down readable on legacy after the reverse sync and the flip back', async () => {
    const backfill = await backfillBonus({ db: app.db, legacyUrl: legacy.url }, app.config.LEGACY_TENANT);
    expect(backfill.unmapped).toEqual([]);
    expect((await group('new')).statusCode).toBe(200);
    // While legacy runs, a write fig answers in new is replayed to legacy with the same id.
    const live = await app.inject({
      method: 'POST',
      url: '/api/v1/batches',
      payload: { upload_id: 1, scenario_name: 'while legacy runs' },
    });
    expect(live.statusCode).toBe(201);
    await app.shadow.drain();
    const mirrored = await fetch(new URL(`/api/v1/batches/${live.json().id}`, legacy.url));
    expect(mirrored.status).toBe(200);
    const copy = (await mirrored.json()) as { created_at: string };
    expect(copy).toEqual({ ...live.json(), created_at: copy.created_at }); // legacy stamps its own time
    await legacy.stop();

    // Writes in new while legacy is down: fig answers them alone.
    const form = (csv: string) => {
      const boundary = 'figboundary';
      return {
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="rollback.csv"\r\ncontent-type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
      };
    };
    const up = await app.inject({ method: 'POST', url: '/api/v1/uploads', ...form(CSV) });
    expect(up.statusCode).toBe(201);
    const uploadId = up.json().id as number;
    expect(uploadId).toBeGreaterThan(Math.max(0, ...[backfill.nextIds['runs.uploads']! - 1]));
    const bands = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/revenue-bands',
      payload: {
        bands: [
          { min_revenue: '0', multiplier: '0.9' },
          { min_revenue: '1000000', multiplier: '1.1' },
        ],
      },
    });
    expect(bands.statusCode).toBe(200);
    const batch = await app.inject({
      method: 'POST',
      url: '/api/v1/batches',
      payload: { upload_id: uploadId, pool_amount: '15000', scenario_name: 'after cutover' },
    });
    expect(batch.statusCode).toBe(201);
    const scenario = await app.inject({
      method: 'POST',
      url: '/api/v1/scenarios',
      payload: { upload_id: uploadId, name: 'what if', bands: [{ min_revenue: '0', multiplier: '1' }] },
    });
    expect(scenario.statusCode).toBe(201);
    const figSide = async () => ({
      rows: (await app.inject({ url: `/api/v1/uploads/${uploadId}/rows` })).json(),
      batch: (await app.inject({ url: `/api/v1/batches/${batch.json().id}/results` })).json(),
      csv: (await app.inject({ url: `/api/v1/batches/${batch.json().id}/export.csv` })).body,
      scenarioBatch: (
        await app.inject({ url: `/api/v1/batches/${scenario.json().batch_id}/results` })
      ).json(),
    });
    const inNew = await figSide();
    // (GET revenue-bands belongs to the bands module and stays on legacy here: fig's PUT answer is what fig wrote.)
    const figBands = bands.json().bands;

    // Legacy comes back with its data; the reverse sync replays fig's records in the order fig wrote them.
    legacy = await legacy.restart();
    const sync = await reverseSyncBonus({ db: app.db, legacyUrl: legacy.url }, app.config.LEGACY_TENANT);
    expect(sync.synced.map((s) => [s.entity, s.figId, s.outcome])).toEqual([
      ['upload', uploadId, 'same-id'],
      ['band-version', bands.json().version, 'same-id'],
      ['batch', batch.json().id, 'same-id'],
      ['scenario', scenario.json().id, 'same-id'],
    ]);
    expect(
      (await reverseSyncBonus({ db: app.db, legacyUrl: legacy.url }, app.config.LEGACY_TENANT)).synced,
    ).toEqual([]);

    expect((await group('legacy')).statusCode).toBe(200);
    const onLegacy = await figSide();
    expect((await app.inject({ url: `/api/v1/batches/${batch.json().id}` })).headers.server).toBe('uvicorn');
    expect(onLegacy).toEqual(inNew);
    expect((await app.inject({ url: '/api/v1/admin/revenue-bands' })).json()).toMatchObject({
      version: bands.json().version,
      bands: figBands,
    });
    const legacyBatch = (await app.inject({ url: `/api/v1/batches/${batch.json().id}` })).json();
    expect(legacyBatch).toEqual({ ...batch.json(), created_at: legacyBatch.created_at });
  });
});
