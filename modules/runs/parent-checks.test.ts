import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, withTenant, type Db, type Trx } from '../core/db';
import { copyLine } from '../core/copy';
import { testConfig } from '../../test/helpers';
import * as repo from './repo';
import { splitRows } from './compute-chunk';

const TENANT = '00000000-0000-4000-8000-00000000ac3e';
const OTHER = '00000000-0000-4000-8000-0000000061b0';

const newUpload = (trx: Trx, tenant: string) =>
  repo.insertUpload(trx, { tenant_id: tenant, filename: 'p.csv', row_count: 0, sha256: 'd'.repeat(64), content_type: null, storage_key: null, created_at: new Date() });
const newRun = (trx: Trx, tenant: string, uploadId: number) =>
  repo.insertRun(trx, { tenant_id: tenant, upload_id: uploadId, plan_id: null, plan_version: null, band_version: null, name: null, pool_amount: null, total_bonus: null, total_pool_bonus: null, created_at: new Date() });
const resultLine = (runId: number, tenant: string, rowNo: number, employeeId: string) => copyLine([runId, tenant, rowNo, employeeId, true, '{"bonus":"1"}', null]);

/** Migration 0051: the parent rules of run_results and upload_rows, checked per statement (ADR 0022). */
describe('runs rows and their parents', () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb((await testConfig()).APP_DATABASE_URL, { max: 2 });
  });
  afterAll(() => db?.destroy());

  it('stores COPYed results of an existing run, with values COPY must escape, and deletes them with the run', async () => {
    const odd = 'E\\1\t2\n3\r4';
    const runId = await withTenant(db, TENANT, async (trx) => {
      const run = await newRun(trx, TENANT, (await newUpload(trx, TENANT)).id);
      await repo.copyRunResults(trx, resultLine(run.id, TENANT, 2, odd) + resultLine(run.id, TENANT, 3, '\\N'));
      return run.id;
    });
    const stored = await withTenant(db, TENANT, (trx) => trx.selectFrom('runs.run_results').select(['employee_id', 'outputs', 'error']).where('run_id', '=', runId).orderBy('row_no').execute());
    expect(stored).toEqual([
      { employee_id: odd, outputs: { bonus: '1' }, error: null },
      { employee_id: '\\N', outputs: { bonus: '1' }, error: null },
    ]);
    await withTenant(db, TENANT, (trx) => trx.deleteFrom('runs.runs').where('id', '=', runId).execute());
    const left = await withTenant(db, TENANT, (trx) => trx.selectFrom('runs.run_results').select('row_no').where('run_id', '=', runId).execute());
    expect(left).toEqual([]);
  });

  it('refuses results of a missing run, or of another tenant\'s run, as a foreign-key violation', async () => {
    await expect(withTenant(db, TENANT, (trx) => repo.copyRunResults(trx, resultLine(999_999, TENANT, 2, 'E1')))).rejects.toMatchObject({ code: '23503' });
    const otherRun = await withTenant(db, OTHER, async (trx) => (await newRun(trx, OTHER, (await newUpload(trx, OTHER)).id)).id);
    await expect(
      withTenant(db, TENANT, (trx) => trx.insertInto('runs.run_results').values({ run_id: otherRun, tenant_id: TENANT, row_no: 2, employee_id: 'E1', outputs: '{}' }).execute()),
    ).rejects.toMatchObject({ code: '23503' });
  });

  it('refuses upload rows of a missing upload, and never lets a parent change its key', async () => {
    await expect(
      withTenant(db, TENANT, (trx) => repo.insertUploadRows(trx, [{ upload_id: 999_999, tenant_id: TENANT, row_no: 2, employee_id: 'E1', inputs: '{}' }])),
    ).rejects.toMatchObject({ code: '23503' });
    await expect(
      withTenant(db, TENANT, async (trx) => {
        const upload = await newUpload(trx, TENANT);
        await trx.updateTable('runs.uploads').set({ id: upload.id + 1000 }).where('id', '=', upload.id).execute();
      }),
    ).rejects.toMatchObject({ code: '23503' });
  });

  it('reads a chunk of upload rows as COPY text that splitRows turns back into ids and inputs as stored', async () => {
    const odd = 'E\\1\t2\n3\r4';
    const inputs = [{ a: '1.5', b: 'x\\"y\t' }, { a: 2 }, { b: '' }];
    const buf = await withTenant(db, TENANT, async (trx) => {
      const upload = await newUpload(trx, TENANT);
      const rows = inputs.map((inp, i) => ({ upload_id: upload.id, tenant_id: TENANT, row_no: i + 2, employee_id: i === 0 ? odd : `E${i}`, inputs: JSON.stringify(inp) }));
      await repo.insertUploadRows(trx, rows);
      return repo.copyUploadRowRange(trx, upload.id, 2, 4, ['a', 'b']);
    });
    const split = splitRows(buf, ['a', 'b']);
    expect(split.rowNos).toEqual(['3', '4']);
    expect(split.employeeIds).toEqual(['E1', 'E2']);
    expect(split.rows).toEqual([{ a: 2, employee_id: 'E1' }, { b: '', employee_id: 'E2' }]);
    const all = splitRows(await withTenant(db, TENANT, async (trx) => repo.copyUploadRowRange(trx, (await trx.selectFrom('runs.upload_rows').select('upload_id').where('employee_id', '=', odd).executeTakeFirstOrThrow()).upload_id, 0, 10, ['a', 'b'])), ['a', 'b']);
    expect(all.employeeIds[0]).toBe(odd);
    expect(all.rows[0]).toEqual({ ...inputs[0], employee_id: odd });
    expect(all.idCells[0]).toBe(copyLine([odd]).slice(0, -1)); // printed as COPY input needs it: result lines reuse the cell
  });
});
