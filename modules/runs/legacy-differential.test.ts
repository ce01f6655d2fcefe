import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { TEST_ADMIN_TOKEN, buildTestApp } from '../../test/helpers';
import { startLegacy } from '../../test/global-setup';
import { seedFromLegacy } from './test-support';
import { LEGACY_BONUS_ROUTES } from './index';
import { withTenant } from '../core/db';

/**
 * The differential test of the legacy bonus family: every request goes to a real legacy service
 * (its own fresh database) and to fig serving the 15 routes in mode `new`, and the answers must
 * be the same: status, and JSON body (or CSV bytes). The only normalisation (documented in
 * docs/legacy-bonus.md): `created_at`/`updated_at` values, which are each side's own clock.
 */

const LEGACY_DIR = path.resolve(import.meta.dirname, '../../infra/legacy-fastapi');
const gen = (employees: number, seed: number): string =>
  execFileSync('/usr/bin/python3', ['-c', `from legacy_fastapi.gen import csv_text; import sys; sys.stdout.write(csv_text(${employees}, ${seed}))`], { cwd: LEGACY_DIR, encoding: 'utf8' });

const HEADER = 'employee_id,name,department,base_salary,target_pct,performance_score,fund_return,revenue\n';
const EMP = { employee_id: 'E1', base_salary: '100000', target_pct: '0.1', performance_score: '0.85', fund_return: '0.05', revenue: '2000000' };

interface Req {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  body?: Buffer;
  contentType?: string;
}
interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

const TIME_KEYS = new Set(['created_at', 'updated_at']);
/** Parsed JSON with each side's clock values replaced (the one normalisation). */
function normalised(a: Answer): unknown {
  if (!a.contentType.startsWith('application/json')) return a.body.toString('latin1');
  return JSON.parse(a.body.toString('utf8'), (k, v) => (TIME_KEYS.has(k) && typeof v === 'string' ? '<time>' : v));
}

const json = (method: Req['method'], url: string, body: unknown): Req => ({ method, url, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), contentType: 'application/json' });
async function multipart(parts: { name: string; value: string | Buffer; filename?: string }[]): Promise<Req> {
  const form = new FormData();
  for (const p of parts) {
    if (p.filename === undefined) form.append(p.name, typeof p.value === 'string' ? p.value : p.value.toString());
    else form.append(p.name, new Blob([typeof p.value === 'string' ? p.value : new Uint8Array(p.value)], { type: 'text/csv' }), p.filename);
  }
  const r = new Request('http://x/', { method: 'POST', body: form });
  return { method: 'POST', url: '/api/v1/uploads', body: Buffer.from(await r.arrayBuffer()), contentType: r.headers.get('content-type')! };
}
const upload = (text: string | Buffer, filename = 'staff.csv') => multipart([{ name: 'file', value: text, filename }]);
/** A multipart body written by hand, with the given boundary (quoted or not) in the header. */
const rawMultipart = (boundary: string, header: string, parts: string[]): Req => ({
  method: 'POST',
  url: '/api/v1/uploads',
  body: Buffer.from(`${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`),
  contentType: `multipart/form-data; boundary=${header}`,
});
const filePartOf = (text: string, filename = 'b.csv') => `Content-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n${text}`;

describe('legacy bonus routes: fig in mode new answers exactly like legacy', () => {
  let app: FastifyInstance;
  let legacy: Awaited<ReturnType<typeof startLegacy>>;

  const send = async (r: Req): Promise<{ legacy: Answer; fig: Answer }> => {
    const headers: Record<string, string> = r.contentType ? { 'content-type': r.contentType } : {};
    const l = await fetch(legacy.url + r.url, { method: r.method, headers, ...(r.body ? { body: new Uint8Array(r.body) } : {}) });
    const f = await app.inject({ method: r.method, url: r.url, headers, ...(r.body ? { payload: r.body } : {}) });
    expect(f.headers.server, 'fig answered, not legacy').toBeUndefined();
    return {
      legacy: { status: l.status, contentType: l.headers.get('content-type') ?? '', body: Buffer.from(await l.arrayBuffer()) },
      fig: { status: f.statusCode, contentType: String(f.headers['content-type'] ?? ''), body: f.rawPayload },
    };
  };
  /** Send to both, expect the same answer; returns legacy's parsed body. */
  const same = async (r: Req, status?: number) => {
    const { legacy: l, fig: f } = await send(r);
    expect({ status: f.status, body: normalised(f) }, `${r.method} ${r.url}`).toEqual({ status: l.status, body: normalised(l) });
    if (status !== undefined) expect(l.status, `${r.method} ${r.url}`).toBe(status);
    return l.contentType.startsWith('application/json') ? JSON.parse(l.body.toString('utf8')) : l.body.toString('utf8');
  };

  beforeAll(async () => {
    legacy = await startLegacy();
    // The route table learns legacy's routes from its OpenAPI; every answer below is checked to be fig's own (no `server: uvicorn`).
    ({ app } = await buildTestApp({ LEGACY_URL: legacy.url, SHADOW_NOISE_SAMPLE_RATE: '0', AUTOROLLBACK_ENABLED: 'false' }));
    await seedFromLegacy(app, legacy.url);
    const keys = [...Object.keys(LEGACY_BONUS_ROUTES), 'GET /api/v1/admin/revenue-bands'];
    for (const key of keys) {
      const res = await app.inject({
        method: 'PUT',
        url: `/_fig/routes/${encodeURIComponent(key)}`,
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        payload: { mode: 'new', reason: 'differential test of the legacy bonus family', override: true },
      });
      expect(res.statusCode, key).toBe(200);
      // The family's dual-write routes replay fig's writes to legacy in `new` (the rollback policy,
      // ADR 0010); here legacy is the independent reference, so nothing may be replayed to it.
      const settings = await app.inject({
        method: 'PUT',
        url: `/_fig/routes/${encodeURIComponent(key)}/settings`,
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        payload: { writePolicy: 'skip', reason: 'differential test: legacy is the reference, no replay' },
      });
      expect(settings.statusCode, key).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await legacy?.stop();
  });

  it('lists and reads the historical uploads, rows, batches and results, with legacy pagination', async () => {
    for (const q of ['', '?limit=2', '?limit=1&offset=2', '?offset=3', '?limit=1000', '?limit=0', '?limit=1001', '?limit=abc', '?offset=-1', '?limit=&offset=x', '?limit=5&limit=1'])
      for (const list of ['/api/v1/uploads', '/api/v1/batches', '/api/v1/scenarios']) await same({ method: 'GET', url: list + q });
    for (const id of ['1', '2', '3', '999', 'abc', '0', '-1', '99999999999'])
      for (const p of ['/api/v1/uploads/', '/api/v1/batches/']) await same({ method: 'GET', url: p + id });
    for (const q of ['', '?limit=10&offset=395', '?limit=1000', '?offset=400', '?limit=0'])
      for (const p of ['/api/v1/uploads/1/rows', '/api/v1/batches/2/results', '/api/v1/uploads/999/rows', '/api/v1/batches/abc/results']) await same({ method: 'GET', url: p + q });
    for (const id of ['1', '2', '3', '999']) await same({ method: 'GET', url: `/api/v1/batches/${id}/export.csv` });
  });

  it('calculates with the new engine: bands, pools, exact JSON numbers, edge-case employees', async () => {
    await same(json('POST', '/api/v1/calculate', { employees: [EMP] }), 200);
    await same(json('POST', '/api/v1/calculate', '{"employees":[{"employee_id":7,"base_salary":1000.35,"target_pct":0.1,"performance_score":0.6,"fund_return":0.02,"revenue":1e6}]}'), 200);
    const three = ['c', 'a', 'b'].map((e) => ({ ...EMP, employee_id: e }));
    await same(json('POST', '/api/v1/calculate', { employees: three, pool_amount: '20000', bands: [{ min_revenue: '0', multiplier: '1' }] }), 200);
    await same(json('POST', '/api/v1/calculate', { employees: three, pool_amount: '1000000' }), 200);
    await same(json('POST', '/api/v1/calculate', { employees: three, pool_amount: '0' }), 200);
    await same(json('POST', '/api/v1/calculate', { employees: [] }), 200);
    const rows = gen(400, 11).trim().split('\n').slice(1).map((l) => Object.fromEntries(HEADER.trim().split(',').map((c, i) => [c, l.split(',')[i]])));
    await same(json('POST', '/api/v1/calculate', { employees: rows }), 200);
    await same(json('POST', '/api/v1/calculate', { employees: rows, pool_amount: '1234567.89' }), 200);
    // Over INLINE_ROWS: computed in the compute worker pool, off the event loop.
    const big = gen(2_500, 5).trim().split('\n').slice(1).map((l) => Object.fromEntries(HEADER.trim().split(',').map((c, i) => [c, l.split(',')[i]])));
    await same(json('POST', '/api/v1/calculate', { employees: big, pool_amount: '9000000' }), 200);
    await same(json('POST', '/api/v1/calculate', { employees: rows, bands: [{ min_revenue: '0', multiplier: '0.5' }, { min_revenue: '250000.5', multiplier: '0.75' }, { min_revenue: '3000000', multiplier: '1.1' }, { min_revenue: '8000000', multiplier: '2' }] }), 200);
  });

  it('refuses bad calculate bodies with legacy\'s 422 detail, field for field', async () => {
    const bad = { ...EMP, base_salary: '12,000', revenue: '1e6' } as Record<string, unknown>;
    delete bad.fund_return;
    const bodies: unknown[] = [
      { employees: [EMP, bad], pool_amount: '-1' },
      { employees: [{ ...EMP, base_salary: '-1' }] },
      { employees: [{ ...EMP, target_pct: '-0.1', employee_id: '' }] },
      { employees: [{ ...EMP, employee_id: 'x'.repeat(201), name: ['n'], department: 5 }] },
      { employees: [{ ...EMP, performance_score: null, fund_return: true, revenue: [] }] },
      { employees: [{ ...EMP, base_salary: ' 100 ', revenue: '1'.repeat(61) }] },
      {},
      { employees: null },
      { employees: 'abc' },
      { employees: [5, 'x', null] },
      { employees: [EMP], bands: [] },
      { employees: [EMP], bands: null },
      { employees: [EMP], bands: [{ min_revenue: '5', multiplier: '1' }] },
      { employees: [EMP], bands: [{ min_revenue: '0', multiplier: '1' }, { min_revenue: '0', multiplier: '2' }] },
      { employees: [EMP], bands: [{ min_revenue: '0', multiplier: '-0.1' }] },
      { employees: [EMP], pool_amount: 'x' },
      [],
      'null',
      '"text"',
      '{"employees": [',
      '{"employees": [1,]}',
      '  ',
      '{"a":1} x',
      '{"employees": NaN}',
    ];
    for (const b of bodies) await same(json('POST', '/api/v1/calculate', b));
    await same({ method: 'POST', url: '/api/v1/calculate' });
    await same({ method: 'POST', url: '/api/v1/calculate', body: Buffer.from('{"employees": []}'), contentType: 'text/plain' });
    const tooMany = `{"employees":[${Array.from({ length: 200_001 }, () => JSON.stringify(EMP)).join(',')}]}`;
    await same(json('POST', '/api/v1/calculate', tooMany), 422);
  }, 120_000);

  it('stores uploads like legacy and refuses bad files with the same rows, columns and messages', async () => {
    const good = await same(await upload(gen(60, 7)), 201);
    expect(good.row_count).toBe(60);
    await same(await upload(`\ufeff${HEADER.replace('\n', '\r\n')}E1,"Smith, Al",Ops,1000,0.1,0.9,0.05,100\r\n\r\nE2,=cmd(),"Q ""x""",2000.50,0.2,0.8,0.03,5000000\r\n`, 'bom crlf.csv'), 201);
    await same(await upload(`${HEADER}E1,Zoë 😀,Équipe,1,0.1,0.9,0.05,100\n`, ''));
    await same(await upload(`${HEADER}E1,Zoë 😀,Équipe,1,0.1,0.9,0.05,100\n`, 'ünï code.csv'), 201);
    const bad = [
      'employee_id,name,department,base_salary,target_pct,performance_score\nE1,A,B,1,1,1\n',
      `${HEADER}E1,A,Ops,50000,0.1,0.9,0.05,100\nE2,B,Ops,abc,0.1,0.9,0.05,1e6\nE3,C,Ops,-5,0.1,0.9,0.05,100\n`,
      '',
      '  \n\n',
      HEADER,
      `${HEADER}E1,A,Ops,1,0.1,0.9,0.05,100\nE1,B,Ops,1,0.1,0.9,0.05,100\nE3,C,Ops,1\n`,
      `${HEADER.trim()},revenue\nE1,A,Ops,1,0.1,0.9,0.05,100,1\n`,
      `${HEADER},E1,A,Ops,1,-0.1,0.9,0.05,100\n,A,Ops,1,0.1,0.9,0.05,100\n`,
      `${HEADER}E1,${'n'.repeat(201)},Ops,1,0.1,0.9,0.05,${'9'.repeat(61)}\nE2,'q',"it's",x'y,0.1,0.9,0.05,"a\\b"\n`,
      `${HEADER}${Array.from({ length: 130 }, (_, i) => `E${i},A,Ops,x,0.1,0.9,0.05,100`).join('\n')}\n`,
      `${HEADER}${Array.from({ length: 130 }, (_, i) => `E${i},A,Ops`).join('\n')}\n`,
      `${HEADER}"E1,A,Ops,1,0.1,0.9,0.05,100\n`,
    ];
    for (const text of bad) await same(await upload(text), 422);
    await same(await upload(Buffer.from([0x65, 0x6d, 0xff, 0xfe, 0x0a])), 422);
    await same({ method: 'POST', url: '/api/v1/uploads' }, 422);
    await same(await multipart([{ name: 'file', value: 'just text' }]), 422);
    await same(await multipart([{ name: 'other', value: HEADER, filename: 'x.csv' }]), 422);
    await same(json('POST', '/api/v1/uploads', { file: 'x' }), 422);
    // Boundaries of any length legacy accepts (the WHATWG form parser wants 27–70 characters).
    const csv = `${HEADER}E1,A,Ops,1000,0.1,0.9,0.05,100\n`;
    await same(rawMultipart('a', 'a', [filePartOf(csv)]), 201);
    await same(rawMultipart('X', '"X"', ['Content-Disposition: form-data; name="note"\r\n\r\nhi', filePartOf(csv, 'one char.csv')]), 201);
    await same(rawMultipart('b q', '"b q"', [filePartOf(csv)]), 201);
    await same(rawMultipart('z', 'z', ['Content-Disposition: form-data; name="file"\r\n\r\ntext']), 422);
    await same(rawMultipart('-', '-', [filePartOf(csv), filePartOf(`${HEADER}E2,B,Ops,x,0.1,0.9,0.05,100\n`)]), 422);
    await same(await upload(Buffer.alloc(50 * 1024 * 1024 + 1, 0x41)), 413);
    await same({ method: 'GET', url: '/api/v1/uploads?limit=1000' }, 200);
    await same({ method: 'GET', url: `/api/v1/uploads/${good.id}/rows?limit=7&offset=55` }, 200);
  });

  it('creates batches (pools, the band version current at creation) and exports them byte for byte', async () => {
    const up = await same(await upload(`${HEADER}E2,Bea,Ops,1000.35,0.1,0.6,0.02,1000000\nE1,Al,Risk,100000,0.1,0.85,0.05,2000000\n`), 201);
    const gen300 = await same(await upload(gen(300, 3), 'gen.csv'), 201);
    for (const body of [
      { upload_id: up.id, pool_amount: '10000', scenario_name: 'q' },
      { upload_id: up.id },
      { upload_id: String(gen300.id), pool_amount: 150000 },
      { upload_id: gen300.id, pool_amount: '0.005' },
      { upload_id: gen300.id, scenario_name: null, pool_amount: null },
    ]) {
      const batch = await same(json('POST', '/api/v1/batches', body), 201);
      await same({ method: 'GET', url: `/api/v1/batches/${batch.id}` }, 200);
      await same({ method: 'GET', url: `/api/v1/batches/${batch.id}/results?limit=1000` }, 200);
      await same({ method: 'GET', url: `/api/v1/batches/${batch.id}/export.csv` }, 200);
    }
    for (const body of [
      { upload_id: 999 },
      { upload_id: up.id, pool_amount: '-0.01' },
      { upload_id: up.id, pool_amount: 'x' },
      { upload_id: 'abc', scenario_name: 'n'.repeat(201) },
      { upload_id: 1.5 },
      { upload_id: true },
      { pool_amount: '1' },
      {},
    ])
      await same(json('POST', '/api/v1/batches', body));
    const bigUpload = await same(await upload(gen(2_500, 9), 'big.csv'), 201);
    const bigBatch = await same(json('POST', '/api/v1/batches', { upload_id: bigUpload.id, pool_amount: '5000000' }), 201);
    await same({ method: 'GET', url: `/api/v1/batches/${bigBatch.id}/export.csv` }, 200);
    // Employee ids that COPY text format must escape: backslash, tab, newline, CR (quoted CSV cells).
    const odd = await same(await upload(`${HEADER}"E\\1",A,Ops,1000,0.1,0.9,0.05,100\n"E\t2",B,Ops,2000,0.1,0.9,0.05,100\n"E\n3",C,Ops,3000,0.1,0.9,0.05,100\n"E\r4\\N",D,Ops,4000,0.1,0.9,0.05,100\n`, 'odd.csv'), 201);
    const oddBatch = await same(json('POST', '/api/v1/batches', { upload_id: odd.id, pool_amount: '100' }), 201);
    await same({ method: 'GET', url: `/api/v1/batches/${oddBatch.id}/results` }, 200);
    await same({ method: 'GET', url: `/api/v1/batches/${oddBatch.id}/export.csv` }, 200);
    // Several chunks of the batch pipeline (RUN_CHUNK_ROWS), with and without a pool.
    const chunked = await same(await upload(gen(9_000, 4), 'chunked.csv'), 201);
    for (const body of [{ upload_id: chunked.id, pool_amount: '7500000.5' }, { upload_id: chunked.id }]) {
      const batch = await same(json('POST', '/api/v1/batches', body), 201);
      await same({ method: 'GET', url: `/api/v1/batches/${batch.id}/results?limit=1000&offset=3990` }, 200);
      await same({ method: 'GET', url: `/api/v1/batches/${batch.id}/export.csv` }, 200);
    }
    await same({ method: 'GET', url: '/api/v1/batches?limit=1000' }, 200);
  }, 180_000);

  it('keeps legacy-route data in LEGACY_TENANT, under RLS: another tenant sees none of it', async () => {
    const mine = await withTenant(app.db, app.config.LEGACY_TENANT, (trx) => trx.selectFrom('runs.runs').select('id').execute());
    expect(mine.length).toBeGreaterThan(3);
    const other = await withTenant(app.db, '00000000-0000-4000-8000-0000000061b0', (trx) => trx.selectFrom('runs.runs').select('id').execute());
    expect(other).toEqual([]);
  });

  it('writes band tables: validation, a new version, and batches and calculations that record it', async () => {
    for (const bands of [[], [{ min_revenue: '5', multiplier: '1' }], [{ min_revenue: '0', multiplier: 'abc' }], Array.from({ length: 21 }, (_, i) => ({ min_revenue: String(i), multiplier: '1' }))])
      await same(json('PUT', '/api/v1/admin/revenue-bands', { bands }), 422);
    await same(json('PUT', '/api/v1/admin/revenue-bands', {}), 422);
    await same({ method: 'GET', url: '/api/v1/admin/revenue-bands' }, 200);
    await same(json('PUT', '/api/v1/admin/revenue-bands', { bands: [{ min_revenue: '0', multiplier: '0.5' }, { min_revenue: '2000000.00', multiplier: '1.50' }] }), 200);
    await same({ method: 'GET', url: '/api/v1/admin/revenue-bands' }, 200);
    await same(json('POST', '/api/v1/batches', { upload_id: 1 }), 201);
    await same(json('POST', '/api/v1/calculate', { employees: [EMP] }), 200);
  });

  it('creates, reads, lists and compares scenarios', async () => {
    const up = await same(await upload(`${HEADER}E1,Al,Risk,100000,0.1,0.85,0.05,2000000\nE2,Bo,Ops,50000,0.1,0.6,0.02,6000000\n`), 201);
    const other = await same(await upload(`${HEADER}E2,Bo,Ops,50000,0.1,0.6,0.02,6000000\nE3,Cy,Ops,70000,0.2,0.95,0.3,100\n`), 201);
    const a = await same(json('POST', '/api/v1/scenarios', { upload_id: up.id, name: 'base' }), 201);
    const b = await same(json('POST', '/api/v1/scenarios', { upload_id: up.id, name: 'flat', bands: [{ min_revenue: '0', multiplier: '1' }], pool_amount: '17000' }), 201);
    const c = await same(json('POST', '/api/v1/scenarios', { upload_id: other.id, name: 'other upload', pool_amount: '100' }), 201);
    for (const [x, y] of [[a.id, b.id], [b.id, a.id], [a.id, c.id], [a.id, a.id], [a.id, 999], [999, a.id], ['abc', 'x']])
      await same({ method: 'GET', url: `/api/v1/scenarios/${x}/compare/${y}` });
    for (const id of [a.id, c.id, 999, 'x']) await same({ method: 'GET', url: `/api/v1/scenarios/${id}` });
    for (const body of [{ upload_id: 999, name: 'x' }, { upload_id: up.id, name: '' }, { upload_id: up.id }, { upload_id: up.id, name: 'n'.repeat(201) }, { upload_id: up.id, name: 'x', bands: null }, { upload_id: up.id, name: 'x', pool_amount: '-5' }])
      await same(json('POST', '/api/v1/scenarios', body));
    await same({ method: 'GET', url: '/api/v1/scenarios?limit=2&offset=1' }, 200);
  });
});
