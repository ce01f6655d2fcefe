import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../../../test/auth';
import { buildTestApp, ownerDb } from '../../../../test/helpers';
import { pdfText } from '../../../../test/pdf-text';
import type { Config } from '../../../core/config';
import type { Db } from '../../../core/db';
import { employeeInputs, legacyPlanId, makeUpload, startWorker, until } from '../test-support';
import { safeCell } from './cells';
import { csvStream } from './files';
import { openResults } from './load';
import { statementLines } from './statement';

type Who = Awaited<ReturnType<typeof loginAs>>;

let app: FastifyInstance;
let config: Config;
let owner: Db;
let admin: Who;
let runId: number;
let worker: ChildProcess | undefined;
let beforeCalculated: { status: number; code: unknown };
const N = 12;

const get = (who: Who, url: string) =>
  app.inject({ method: 'GET', url: `/api/v1/tenants/${who.tenantId}${url}`, headers: who.headers });

beforeAll(async () => {
  ({ app, config } = await buildTestApp({ RUNS_CHUNK_ROWS: '1000' }));
  owner = ownerDb(config);
  admin = await loginAs(app, { roles: ['admin'] });
  const planId = await legacyPlanId(app, admin.tenantId);
  const uploadId = await makeUpload(app, admin.tenantId, N);
  // A name a spreadsheet would run as a formula, to see the exports defuse it.
  await sql`update runs.upload_rows set name = '=HYPERLINK("http://evil")' where upload_id = ${uploadId} and row_no = 3`.execute(
    owner,
  );
  const started = await app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${admin.tenantId}/runs`,
    headers: admin.headers,
    payload: { plan_id: planId, upload_id: uploadId, name: 'outputs' },
  });
  expect(started.statusCode).toBe(202);
  runId = started.json().id;
  const early = await get(admin, `/runs/${runId}/export.csv`);
  beforeCalculated = { status: early.statusCode, code: early.json().code };
  worker = await startWorker({
    DATABASE_URL: config.DATABASE_URL,
    REDIS_URL: config.REDIS_URL,
    REDIS_PREFIX: config.REDIS_PREFIX,
    RUNS_PIPELINE_THREADS: '1',
  });
  const done = await until(
    120_000,
    async () => (await get(admin, `/runs/${runId}`)).json().status === 'completed',
  );
  expect(done).toBe(true);
}, 240_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker!.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
  await owner?.destroy();
  await app?.close();
});

describe('run statements', () => {
  it("explains one employee's tape in plain language (PDF over HTTP)", async () => {
    const res = await get(admin, `/runs/${runId}/statements/E0000001.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="statement-${runId}-E0000001.pdf"`);
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    const stored = (
      await sql<{
        bonus: string;
      }>`select outputs->>'bonus' as bonus from runs.run_results where run_id = ${runId} and employee_id = 'E0000001'`.execute(
        owner,
      )
    ).rows[0]!;
    expect(text).toContain('Compensation statement');
    expect(text).toContain('Employee E0000001: Employee 1 (D0)');
    expect(text).toContain('Your inputs');
    for (const [name, value] of Object.entries(employeeInputs(1)))
      expect(text).toContain(`${name}: ${value}`);
    expect(text).toMatch(/Step 1: .+ gives \w+ = [\d.]+\./);
    expect(text).toContain(`Your bonus is ${stored.bonus}.`);
    expect(text).toContain('No pool was applied to this run');
  });

  it('is a 404 problem for an unknown employee, 404 for another tenant, 403 without runs.read', async () => {
    const missing = await get(admin, `/runs/${runId}/statements/NOPE.pdf`);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json()).toMatchObject({ status: 404 });
    const stranger = await loginAs(app, { roles: ['admin'] });
    expect((await get(stranger, `/runs/${runId}/statements/E0000001.pdf`)).statusCode).toBe(404);
    const nobody = await loginAs(app, { roles: [], tenantId: admin.tenantId });
    expect((await get(nobody, `/runs/${runId}/statements/E0000001.pdf`)).statusCode).toBe(403);
  });
});

describe('statement wording', () => {
  it('says whether each conditional step held, and the pool share when a pool applied', () => {
    const run = {
      id: 7,
      name: null,
      status: 'finalized',
      planId: 'p',
      planVersion: 2,
      payoutOutput: 'bonus',
      pool: '1000',
      snapshotHash: null,
      layout: {
        inputs: ['salary'],
        steps: [
          { key: 'kicker', output: 'kick', description: 'Kicker over 100', conditional: true },
          { key: 'bonus', output: 'bonus', description: '', conditional: false },
        ],
      },
    };
    const row = {
      rowNo: 2,
      employeeId: 'E1',
      name: 'Ann',
      department: 'D',
      ok: true,
      outputs: { kick: '0', bonus: '50' },
      error: null,
      tape: [['90'], 'F-'] as [string[], string],
      payout: '50',
      poolShare: '40',
    };
    const text = statementLines(run, row)
      .map((l) => l.heading ?? l.text)
      .join('\n');
    expect(text).toContain('salary: 90');
    expect(text).toContain('Step 1: Kicker over 100 (kicker) gives kick = 0. Its condition was not met.');
    expect(text).toContain('Step 2: bonus gives bonus = 50.\n');
    expect(text).toContain('Pool share: a pool of 1000 was shared over all payouts; your share is 40.');
    const met = statementLines(run, { ...row, tape: [['150'], 'T-'] })
      .map((l) => l.text)
      .join('\n');
    expect(met).toContain('Its condition was met.');
  });
});

describe('run exports', () => {
  it('safeCell prefixes what a spreadsheet would evaluate', () => {
    for (const v of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(safeCell(v)).toBe(`'${v}`);
    for (const v of ['1', 'abc', '', " '=x"]) expect(safeCell(v)).toBe(v);
  });

  it('CSV: every result in row order, formula cells defused', async () => {
    const res = await get(admin, `/runs/${runId}/export.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines).toHaveLength(N + 1);
    expect(lines[0]).toMatch(
      /^row_no,employee_id,name,department,ok,payout,pool_share,.*output\.bonus.*,error_step,error$/,
    );
    expect(lines[1]).toMatch(/^2,E0000001,Employee 1,D0,true,[\d.]+,,/);
    expect(lines[2]).toContain(`3,E0000002,"'=HYPERLINK(""http://evil"")",D1,true`);
    expect(res.body).not.toMatch(/(^|,)"?=/m);
  });

  it('streams from a cursor: pages of a few rows give the same CSV as one page', async () => {
    const caller = { tenantId: admin.tenantId, actor: admin.email };
    const deps = { db: app.db, redis: app.redis, config, log: app.log };
    let pages = 0;
    const src = await openResults(deps, caller, runId, 5);
    const counted = {
      ...src,
      pages: async function* () {
        for await (const p of src.pages()) {
          pages++;
          expect(p.length).toBeLessThanOrEqual(5);
          yield p;
        }
      },
    };
    const chunks: Buffer[] = [];
    for await (const c of csvStream(counted)) chunks.push(Buffer.from(c as string));
    expect(pages).toBe(Math.ceil(N / 5));
    expect(Buffer.concat(chunks).toString('utf8')).toBe((await get(admin, `/runs/${runId}/export.csv`)).body);
  });

  it('XLSX: the same table, text cells, formula cells defused', async () => {
    const res = await get(admin, `/runs/${runId}/export.xlsx`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('results')!;
    expect(ws.rowCount).toBe(N + 1);
    expect(ws.getRow(1).getCell(2).value).toBe('employee_id');
    expect(ws.getRow(3).getCell(3).value).toBe(`'=HYPERLINK("http://evil")`);
    expect(ws.getRow(3).getCell(3).formula).toBeUndefined();
  });

  it('ZIP: results.csv, results.xlsx and a manifest of their SHA-256 hashes', async () => {
    const res = await get(admin, `/runs/${runId}/export.zip`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const dir = mkdtempSync(path.join(tmpdir(), 'fig-zip-'));
    writeFileSync(path.join(dir, 'b.zip'), res.rawPayload);
    execFileSync('unzip', ['-q', 'b.zip', '-d', 'out'], { cwd: dir });
    const read = (f: string) => execFileSync('cat', [path.join(dir, 'out', f)]);
    const manifest = JSON.parse(read('manifest.json').toString());
    expect(manifest.run).toMatchObject({ id: runId, status: 'completed' });
    expect(Object.keys(manifest.files).sort()).toEqual(['results.csv', 'results.xlsx']);
    for (const f of ['results.csv', 'results.xlsx']) {
      const bytes = read(f);
      expect(manifest.files[f]).toEqual({
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
    expect(read('results.csv').toString()).toBe((await get(admin, `/runs/${runId}/export.csv`)).body);
  });

  it('is a 409 RUN_NOT_CALCULATED before the run is calculated, 404 for an unknown run, 403 without runs.read', async () => {
    expect(beforeCalculated).toEqual({ status: 409, code: 'RUN_NOT_CALCULATED' });
    const nobody = await loginAs(app, { roles: [], tenantId: admin.tenantId });
    expect((await get(nobody, `/runs/${runId}/export.csv`)).statusCode).toBe(403);
    expect((await get(admin, `/runs/999999999/export.csv`)).statusCode).toBe(404);
  });
});
