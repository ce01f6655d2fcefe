import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig } from '../../test/helpers';
import { freePort } from '../../test/global-setup';
import { loginAs } from '../../test/auth';
import type { Config } from '../core/config';
import { withTenant } from '../core/db';
import { BlobNotFound, createBlobStore } from './blob/blob-store';
import { clamdScanner } from './scanner';
import { processUpload } from './service/process-upload';
import { fakeClamd, tmpStorageDir, tusClient } from './test-support';

let s3: S3rver;
let s3Env: Record<string, string>;
let app: FastifyInstance;
let config: Config;
let base: string;
let admin: Awaited<ReturnType<typeof loginAs>>;

const text = async (r: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(Buffer.from(c as Buffer));
  return Buffer.concat(parts);
};

beforeAll(async () => {
  const port = await freePort();
  s3 = new S3rver({ port, address: '127.0.0.1', silent: true, directory: tmpStorageDir(), configureBuckets: [{ name: 'fig-test', configs: [] }] });
  await s3.run();
  s3Env = {
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_BUCKET: 'fig-test',
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
  };
  ({ app, config } = await buildTestApp({ ...s3Env, STORAGE_DIR: tmpStorageDir() }));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  admin = await loginAs(app, { roles: ['hr'] });
});
afterAll(async () => {
  await app?.close();
  await s3?.close();
});

describe('S3 storage (against s3rver)', () => {
  it('streams objects in and out, moves them and presigns downloads', async () => {
    const store = createBlobStore(await testConfig({ ...s3Env, DATABASE_URL: config.DATABASE_URL }));
    expect(store.backend).toBe('s3');
    const body = Buffer.alloc(6 * 1024 * 1024 + 17, 'x'); // over one 5 MiB part: a real multipart upload
    expect(await store.put('a/b.csv', Readable.from([body]))).toEqual({ size: body.length });
    expect((await text(await store.get('a/b.csv'))).equals(body)).toBe(true);
    const url = await store.presignedUrl('a/b.csv', { filename: 'b.csv', ttlS: 60 });
    expect(url).toMatch(/X-Amz-Signature=/);
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    await store.move('a/b.csv', 'quarantine/b.csv');
    expect(await store.exists('a/b.csv')).toBe(false);
    expect(await store.exists('quarantine/b.csv')).toBe(true);
    await expect(store.get('a/b.csv')).rejects.toBeInstanceOf(BlobNotFound);
    store.close();
  });

  it('takes a tus upload into the bucket and hands out a presigned link', async () => {
    const content = Buffer.from('employee_id,base_salary\nE1,100\nE2,200\n');
    const up = await tusClient(base, admin.tenantId, admin.headers).upload('s3.csv', content);
    expect(up.status).toBe('uploaded');
    const res = await app.inject({ method: 'GET', url: `/api/v1/tenants/${admin.tenantId}/uploads/${up.uploadId}/download-link`, headers: admin.headers });
    expect(res.json()).toMatchObject({ backend: 's3', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/fig-test\/uploads\//) });
    const file = await fetch(res.json().url);
    expect(createHash('sha256').update(Buffer.from(await file.arrayBuffer())).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
  });
});

describe('scanner hook (clamd INSTREAM)', () => {
  it('quarantines a file clamd reports, moves it out of the upload area and never parses it', async () => {
    const clamd = await fakeClamd('Eicar-Test-Signature FOUND');
    const eicar = Buffer.from('employee_id,note\nE1,X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\n');
    const up = await tusClient(base, admin.tenantId, admin.headers).upload('eicar.csv', eicar);
    const store = createBlobStore(config);
    const after = await processUpload({ db: app.db, config, store, log: app.log, scanner: clamdScanner({ host: '127.0.0.1', port: clamd.port, timeoutMs: 5000 }) }, admin.tenantId, up.uploadId);
    expect(after).toMatchObject({ status: 'quarantined', status_reason: 'virus scanner: Eicar-Test-Signature FOUND', row_count: 0, storage_key: `quarantine/${admin.tenantId}/${up.uploadId}/original.csv` });
    expect(clamd.received().equals(eicar)).toBe(true);
    expect(await store.exists(`uploads/${admin.tenantId}/${up.uploadId}/original.csv`)).toBe(false);
    const rows = await withTenant(app.db, admin.tenantId, (trx) => trx.selectFrom('runs.upload_rows').select('row_no').where('upload_id', '=', up.uploadId).execute());
    expect(rows).toEqual([]);
    const audit = await withTenant(app.db, admin.tenantId, (trx) =>
      trx.selectFrom('audit.events').select(['action', 'entity_id']).where('entity', '=', 'upload').where('entity_id', '=', String(up.uploadId)).orderBy('seq').execute(),
    );
    expect(audit.map((a) => a.action)).toEqual(['upload.received', 'upload.quarantined']);
    await clamd.close();
    store.close();
  });

  it('passes a clean file and parses it', async () => {
    const clamd = await fakeClamd('OK');
    const up = await tusClient(base, admin.tenantId, admin.headers).upload('clean.csv', Buffer.from('employee_id,base_salary\nE1,100\n'));
    const store = createBlobStore(config);
    const after = await processUpload({ db: app.db, config, store, log: app.log, scanner: clamdScanner({ host: '127.0.0.1', port: clamd.port, timeoutMs: 5000 }) }, admin.tenantId, up.uploadId);
    expect(after).toMatchObject({ status: 'parsed', row_count: 1 });
    await clamd.close();
    store.close();
  });
});

describe('XLSX', () => {
  it('reads the first sheet with the streaming reader into upload_rows', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Employees');
    ws.addRow(['Employee ID', 'Name', 'Base Salary', 'Target %', 'Hired']);
    ws.addRow(['E1', 'Ada Lovelace', 85000.5, 0.1, new Date(Date.UTC(2019, 3, 1))]);
    ws.addRow(['E2', { richText: [{ text: 'Grace ' }, { text: 'Hopper' }] }, { formula: '1000*90', result: 90000 }, 0.15, null]);
    wb.addWorksheet('Ignored').addRow(['x']);
    const content = Buffer.from(await wb.xlsx.writeBuffer());
    const up = await tusClient(base, admin.tenantId, admin.headers).upload('employees.xlsx', content);
    expect(up.status).toBe('uploaded');
    const after = await processUpload({ db: app.db, config, store: createBlobStore(config), log: app.log }, admin.tenantId, up.uploadId);
    expect(after).toMatchObject({ status: 'parsed', row_count: 2, columns: ['Employee ID', 'Name', 'Base Salary', 'Target %', 'Hired'] });
    const rows = await withTenant(app.db, admin.tenantId, (trx) =>
      trx.selectFrom('runs.upload_rows').select(['row_no', 'fields']).where('upload_id', '=', up.uploadId).orderBy('row_no').execute(),
    );
    expect(rows).toEqual([
      { row_no: 2, fields: { 'Employee ID': 'E1', Name: 'Ada Lovelace', 'Base Salary': '85000.5', 'Target %': '0.1', Hired: '2019-04-01' } },
      { row_no: 3, fields: { 'Employee ID': 'E2', Name: 'Grace Hopper', 'Base Salary': '90000', 'Target %': '0.15', Hired: '' } },
    ]);
  });

  it('marks a zip that is not a workbook invalid, with the reason', async () => {
    // A valid zip signature with garbage after it passes the magic check but cannot be read.
    const up = await tusClient(base, admin.tenantId, admin.headers).upload('broken.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]));
    const after = await processUpload({ db: app.db, config, store: createBlobStore(config), log: app.log }, admin.tenantId, up.uploadId);
    expect(after.status).toBe('invalid');
    expect(after.status_reason).toMatch(/^the (XLSX could not be read|file has no header row)/);
  });
});
