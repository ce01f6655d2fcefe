import { inflateRawSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/helpers';
import { createTestTenant, loginAs } from '../../test/auth';
import { withTenant } from '../../modules/core/db';
import { Queue, type Worker } from 'bullmq';
import { sql } from 'kysely';
import { startJobWorker } from '../../modules/core/job-worker';
import pino from 'pino';
import { queueName } from '../../modules/core/jobs';
import { parityRunJob as createParityRunJob } from './jobs';
import { INLINE_MAX_EMPLOYEES, executeReport } from './service';
import { insertReport } from './repo';
import { legacyEquivalentPlan, parityRunner } from '../../legacy-shadow/parity/index';

const parityRunJob = createParityRunJob(parityRunner);

let TENANT: string;
let OTHER_TENANT: string;

let app: FastifyInstance;

const sessions = new Map<string, { authorization: string }>();
/**
 * Bearer headers of a real member of the tenant with these roles (test/auth loginAs), one per role
 * set. `ops` is a platform role: granted to the user, not inside the tenant.
 */
async function as(roles: string[], tenantId = TENANT) {
  const key = `${tenantId}:${roles.join('+')}`;
  let h = sessions.get(key);
  if (!h) {
    const email = `${roles.join('+')}@${tenantId === TENANT ? 'acme' : 'other'}.test`;
    const platformRoles = roles.filter((r) => r === 'ops');
    const tenantRoles = roles.filter((r) => r !== 'ops');
    h = (await loginAs(app, { roles: tenantRoles, platformRoles, tenantId, email })).headers;
    sessions.set(key, h);
  }
  return h;
}

const tieRows = [
  {
    employee_id: 'E-1',
    base_salary: '50000',
    target_pct: '0.1',
    performance_score: '0.85',
    fund_return: '0.05',
    revenue: '2000000',
  },
  {
    employee_id: 'E-2',
    base_salary: '1000.25',
    target_pct: '0.1',
    performance_score: '0.6',
    fund_return: '0.02',
    revenue: '1000000',
  },
];

let worker: Worker | undefined;
beforeAll(async () => {
  ({ app } = await buildTestApp({ JWT_KEYS: 'k1:parity-test-secret-0123456789abcdef' }));
  TENANT = await createTestTenant(app, { name: 'Acme parity' });
  OTHER_TENANT = await createTestTenant(app, { name: 'Other parity' });
  // What `npm run worker` does for this queue, in this process: every report runs in the parity.run job.
  const ctx = { config: app.config, db: app.db, redis: app.redis, log: pino({ level: 'silent' }), signal: new AbortController().signal };
  worker = startJobWorker(parityRunJob, ctx, { url: app.config.REDIS_URL, maxRetriesPerRequest: null }, `${app.config.REDIS_PREFIX}bull`);
});
afterAll(async () => {
  await worker?.close();
  await app?.close();
});

async function runHistorical(name = 'Q2 cutover'): Promise<{ id: string; [k: string]: unknown }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/parity/reports',
    headers: await as(['ops']),
    payload: { name, source: { kind: 'historical', batchIds: 'all' } },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

describe('parity reports API', () => {
  it('refuses anonymous callers and callers without parity.run', async () => {
    const anon = await app.inject({
      method: 'POST',
      url: '/api/v1/parity/reports',
      payload: { name: 'x', source: { kind: 'historical', batchIds: 'all' } },
    });
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toMatchObject({ status: 401, code: 'FIG_UNAUTHORIZED' });
    const hr = await app.inject({
      method: 'POST',
      url: '/api/v1/parity/reports',
      headers: await as(['hr']),
      payload: { name: 'x', source: { kind: 'historical', batchIds: 'all' } },
    });
    expect(hr.statusCode).toBe(403);
    expect(hr.json()).toMatchObject({
      status: 403,
      code: 'FIG_FORBIDDEN',
      detail: 'This action needs the permission parity.run',
    });
  });

  it('lists every bad field of a bad request', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/parity/reports',
      headers: await as(['ops']),
      payload: { name: '', source: { kind: 'generated', employees: 0, seed: -1 } },
    });
    expect(res.statusCode).toBe(400);
    const paths = (res.json().errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['body.name', 'body.source.employees', 'body.source.seed']);
  });

  it('runs a historical report inline and shows its summary, by output and Gate A evidence', async () => {
    const report = await runHistorical();
    expect(report).toMatchObject({
      name: 'Q2 cutover',
      status: 'done',
      mismatched: 0,
      maxAbsDiff: '0',
      matchRate: '1.000000',
      createdBy: 'ops@acme.test',
      signedOffBy: null,
    });
    expect((report.employees as number) > 10).toBe(true);
    const gate = report.gateA as {
      passed: boolean;
      checks: { name: string; passed: boolean; evidence: Record<string, unknown> }[];
    };
    expect(gate.checks.map((c) => c.name)).toEqual([
      'historical_sample',
      'within_tolerance',
      'canonical_half_even',
    ]);
    expect(gate.checks.find((c) => c.name === 'canonical_half_even')?.evidence.cases).toHaveLength(10);
    const byOutput = report.byOutput as Record<string, { compared: number; mismatched: number }>;
    expect(Object.keys(byOutput)).toEqual([
      'perf_multiplier',
      'fund_factor',
      'band_multiplier',
      'target',
      'raw',
      'capped',
      'bonus',
      'pool_bonus',
    ]);

    const got = await app.inject({
      method: 'GET',
      url: `/api/v1/parity/reports/${report.id}`,
      headers: await as(['auditor']),
    });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(report);
    const list = await app.inject({
      method: 'GET',
      url: '/api/v1/parity/reports?limit=1',
      headers: await as(['finance']),
    });
    expect(list.json()).toMatchObject({ data: [{ id: report.id }], hasMore: expect.any(Boolean) });
  });

  it('does not show one tenant the reports of another', async () => {
    const report = await runHistorical('tenant A only');
    const other = await app.inject({
      method: 'GET',
      url: `/api/v1/parity/reports/${report.id}`,
      headers: await as(['finance'], OTHER_TENANT),
    });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({
      status: 404,
      code: 'FIG_NOT_FOUND',
      detail: `Parity report ${report.id} was not found`,
    });
    const list = await app.inject({
      method: 'GET',
      url: '/api/v1/parity/reports',
      headers: await as(['finance'], OTHER_TENANT),
    });
    expect(list.json()).toEqual({ data: [], total: 0, hasMore: false, nextCursor: null });
  });

  it('lists mismatches with filters and drills down to both tapes and the first differing step', async () => {
    // A run of a perturbed plan (half-up rounding, fund factor capped at 1.49) stored like any report.
    const seed = legacyEquivalentPlan();
    const plan = {
      ...seed,
      steps: seed.steps.map((s) =>
        s.key === 'bonus'
          ? { ...s, expr: 'floor(capped * 100 + 0.5) / 100' }
          : s.key === 'fund_factor'
            ? { ...s, expr: 'if(fund_return < 0.02) then 0.8 else min(1 + (fund_return - 0.02), 1.49)' }
            : s,
      ),
    };
    const rows = [
      ...tieRows,
      {
        employee_id: 'E-3',
        base_salary: '60000',
        target_pct: '0.1',
        performance_score: '0.7',
        fund_return: '0.7',
        revenue: '10',
      },
    ];
    const source = { kind: 'rows' as const, rows, poolAmount: '100000' };
    const row = await withTenant(app.db, TENANT, (trx) =>
      insertReport(trx, { tenantId: TENANT, name: 'perturbed', source, planRef: {}, createdBy: 'test' }),
    );
    const report = await executeReport(
      { db: app.db, config: app.config, log: app.log, runner: parityRunner },
      TENANT,
      row.id,
      source,
      { plan, planName: 'perturbed' },
    );
    expect(report).toMatchObject({ status: 'done', mismatched: 7, employees: 13, maxAbsDiff: '48' });

    const all = await app.inject({
      method: 'GET',
      url: `/api/v1/parity/reports/${report.id}/mismatches?batchId=rows`,
      headers: await as(['finance']),
    });
    expect(all.statusCode).toBe(200);
    expect(
      all
        .json()
        .data.map((m: { employeeId: string; output: string; absDiff: string }) => [
          m.employeeId,
          m.output,
          m.absDiff,
        ]),
    ).toEqual([
      ['E-3', 'raw', '48'],
      ['E-3', 'capped', '48'],
      ['E-3', 'bonus', '48'],
      ['E-3', 'pool_bonus', '48'],
      ['E-2', 'bonus', '0.01'],
      ['E-2', 'pool_bonus', '0.01'],
      ['E-3', 'fund_factor', '0.01'],
    ]);
    const filtered = await app.inject({
      method: 'GET',
      url: `/api/v1/parity/reports/${report.id}/mismatches?output=bonus&minDiff=0.02&limit=1`,
      headers: await as(['finance']),
    });
    expect(filtered.json()).toEqual({
      data: [
        {
          id: expect.any(String),
          employeeId: 'E-3',
          batchId: 'rows',
          output: 'bonus',
          legacyValue: '7200',
          newValue: '7152',
          absDiff: '48',
          withinTolerance: false,
          firstDiffStep: 'fund_factor',
        },
      ],
      total: 1,
      hasMore: false,
      nextCursor: null,
    });
    const paged = await app.inject({
      method: 'GET',
      url: `/api/v1/parity/reports/${report.id}/mismatches?overToleranceOnly=true&limit=2`,
      headers: await as(['finance']),
    });
    expect(paged.json()).toMatchObject({ total: 4, hasMore: true, nextCursor: expect.any(String) });

    const drill = await app.inject({
      method: 'GET',
      url: `/api/v1/parity/reports/${report.id}/mismatches/E-2`,
      headers: await as(['finance']),
    });
    expect(drill.statusCode).toBe(200);
    const d = drill.json();
    expect(d).toMatchObject({
      employeeId: 'E-2',
      batchId: 'rows',
      otherBatches: [],
      firstDiffStep: 'bonus',
      inputs: { base_salary: '1000.25', target_pct: '0.1' },
    });
    expect(d.steps).toEqual([
      {
        key: 'perf_multiplier',
        output: 'perf_multiplier',
        legacy: '1',
        new: '1',
        differs: false,
        first: false,
      },
      { key: 'fund_factor', output: 'fund_factor', legacy: '1', new: '1', differs: false, first: false },
      {
        key: 'band_multiplier',
        output: 'band_multiplier',
        legacy: '1',
        new: '1',
        differs: false,
        first: false,
      },
      { key: 'target', output: 'target', legacy: '100.025', new: '100.025', differs: false, first: false },
      { key: 'raw', output: 'raw', legacy: '100.025', new: '100.025', differs: false, first: false },
      { key: 'capped', output: 'capped', legacy: '100.025', new: '100.025', differs: false, first: false },
      { key: 'bonus', output: 'bonus', legacy: '100.02', new: '100.03', differs: true, first: true },
      {
        key: 'pool',
        output: 'pool_bonus',
        legacy: expect.any(String),
        new: expect.any(String),
        differs: true,
        first: false,
      },
    ]);
    const none = await app.inject({
      method: 'GET',
      url: `/api/v1/parity/reports/${report.id}/mismatches/E-1`,
      headers: await as(['finance']),
    });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ status: 404, code: 'FIG_NOT_FOUND' });
  });

  it('refuses a sign-off without parity.signoff (403) and for a failed gate (409), and audits a good one', async () => {
    const failed = await app.inject({
      method: 'POST',
      url: '/api/v1/parity/reports',
      headers: await as(['finance']),
      payload: { name: 'generated only', source: { kind: 'generated', employees: 50, seed: 3 } },
    });
    expect(failed.statusCode).toBe(201);
    const f = failed.json();
    expect(f.gateA.passed).toBe(false);

    const byOps = await app.inject({
      method: 'POST',
      url: `/api/v1/parity/reports/${f.id}/sign-off`,
      headers: await as(['ops']),
      payload: { note: 'looks fine' },
    });
    expect(byOps.statusCode).toBe(403);
    expect(byOps.json()).toMatchObject({
      status: 403,
      code: 'FIG_FORBIDDEN',
      detail: 'This action needs the permission parity.signoff',
    });

    const refused = await app.inject({
      method: 'POST',
      url: `/api/v1/parity/reports/${f.id}/sign-off`,
      headers: await as(['finance']),
      payload: { note: 'looks fine' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      status: 409,
      code: 'FIG_PARITY_GATE_FAILED',
      detail: 'Gate A failed for this report; it cannot be signed off',
      failedChecks: [
        {
          name: 'historical_sample',
          detail: '0 employees from 0 historical batches (needs ≥ 1000 from ≥ 3)',
        },
      ],
    });

    const gate0 = await app.inject({
      method: 'GET',
      url: '/api/v1/parity/engine-gate',
      headers: await as(['ops']),
    });
    expect(gate0.json()).toMatchObject({ passed: false, status: 'not-signed-off', signedOffReport: null });

    // A report whose gate passed (the seeded history may be below 1,000 employees, so mark one passed
    // the way a large enough history would, then sign it off through the API).
    const good = await runHistorical('passing');
    const gate = good.gateA as { passed: boolean; checks: { passed: boolean }[] };
    if (!gate.passed) {
      await withTenant(app.db, TENANT, (trx) =>
        trx
          .updateTable('parity.reports')
          .set({
            gate_a: JSON.stringify({
              ...gate,
              passed: true,
              checks: gate.checks.map((c) => ({ ...c, passed: true })),
            }),
          })
          .where('id', '=', good.id)
          .execute(),
      );
    }
    const signed = await app.inject({
      method: 'POST',
      url: `/api/v1/parity/reports/${good.id}/sign-off`,
      headers: await as(['finance']),
      payload: { note: 'Reviewed all outputs: zero differences' },
    });
    expect(signed.statusCode).toBe(200);
    expect(signed.json()).toMatchObject({
      id: good.id,
      signedOffBy: 'finance@acme.test',
      signOffNote: 'Reviewed all outputs: zero differences',
      signedOffAt: expect.any(String),
    });
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/parity/reports/${good.id}/sign-off`,
      headers: await as(['finance']),
      payload: { note: 'twice' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'FIG_PARITY_ALREADY_SIGNED_OFF' });

    const events = await withTenant(app.db, TENANT, (trx) =>
      trx.selectFrom('audit.events').selectAll().where('entity', '=', 'parity_report').execute(),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'finance@acme.test',
      action: 'parity.report.sign_off',
      entity_id: good.id,
    });
    expect((events[0]?.after as { note: string }).note).toBe('Reviewed all outputs: zero differences');

    const gate1 = await app.inject({
      method: 'GET',
      url: '/api/v1/parity/engine-gate',
      headers: await as(['ops']),
    });
    expect(gate1.json()).toMatchObject({
      passed: true,
      status: 'signed-off',
      signedOffReport: { id: good.id },
    });
  });

  it('answers a large run 202 at once; the worker runs it chunk by chunk, and a repeated job changes nothing', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/parity/reports',
      headers: await as(['ops']),
      payload: { name: 'big', source: { kind: 'generated', employees: INLINE_MAX_EMPLOYEES + 1, seed: 1 } },
    });
    expect(res.statusCode).toBe(202);
    const queued = res.json();
    expect(queued).toMatchObject({ status: 'running', employees: 0, gateA: null });

    const queue = new Queue(queueName(parityRunJob), {
      connection: { url: app.config.REDIS_URL },
      prefix: `${app.config.REDIS_PREFIX}bull`,
    });
    try {
      const job = await queue.getJob(queued.id);
      expect(job?.data).toEqual({ tenantId: TENANT, reportId: queued.id });
      const view = async () =>
        (await app.inject({ method: 'GET', url: `/api/v1/parity/reports/${queued.id}`, headers: await as(['ops']) })).json();
      const deadline = Date.now() + 120_000;
      while ((await view()).status === 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const done = await view();
      expect(done).toMatchObject({ status: 'done', employees: INLINE_MAX_EMPLOYEES + 11, mismatched: 0, maxAbsDiff: '0' });
      expect(done.batches).toMatchObject([
        { batchId: 'generated', kind: 'generated', employees: INLINE_MAX_EMPLOYEES + 1 },
        { batchId: 'canonical', employees: 10 },
      ]);
      // Chunks of PARITY_CHUNK_ROWS (2,000) and the canonical cases, each computed and written once.
      const chunks = await withTenant(app.db, TENANT, (trx) =>
        sql<{ chunk_no: number; employees: number; done: boolean; tries: number }>`select chunk_no, employees, done, tries from parity.report_chunks where report_id = ${queued.id} order by chunk_no`.execute(trx),
      );
      expect(chunks.rows).toEqual([
        { chunk_no: 0, employees: 2000, done: true, tries: 1 },
        { chunk_no: 1, employees: 2000, done: true, tries: 1 },
        { chunk_no: 2, employees: 1001, done: true, tries: 1 },
        { chunk_no: 3, employees: 10, done: true, tries: 1 },
      ]);
      // The same job again (a redelivery after the report finished): nothing recomputed, the report as it was.
      const ctx = { config: app.config, db: app.db, redis: app.redis, log: pino({ level: 'silent' }), signal: new AbortController().signal };
      await parityRunJob.handler(parityRunJob.payload.parse(job?.data), ctx);
      expect(await view()).toEqual(done);
    } finally {
      await queue.close();
    }
  });

  it('resumes a report at its first chunk not written and gives the report of an uninterrupted run', async () => {
    const source = { kind: 'rows' as const, rows: Array.from({ length: 5 }, (_, i) => ({ ...tieRows[i % 2]!, employee_id: `R-${i}` })) };
    const deps = { db: app.db, config: { ...app.config, PARITY_CHUNK_ROWS: 2 }, log: pino({ level: 'silent' }), runner: parityRunner };
    const make = (name: string) =>
      withTenant(app.db, TENANT, (trx) => insertReport(trx, { tenantId: TENANT, name, source, planRef: {}, createdBy: 'test' }));
    const whole = await executeReport(deps, TENANT, (await make('whole')).id, source);
    // A run that stopped after its first chunk: a runner failing from the second chunk on, and not on its last try.
    const cut = await make('cut');
    let computed = 0;
    const failing = {
      ...parityRunner,
      session: (...a: Parameters<typeof parityRunner.session>) => {
        const s = parityRunner.session(...a);
        return { compute: async (spec: Parameters<typeof s.compute>[0]) => (computed++ >= 1 ? Promise.reject(new Error('worker killed')) : s.compute(spec)) };
      },
    };
    await expect(executeReport({ ...deps, runner: failing }, TENANT, cut.id, source, { finalTry: false })).rejects.toThrow('worker killed');
    const resumed = await executeReport(deps, TENANT, cut.id, source);
    const tries = await withTenant(app.db, TENANT, (trx) =>
      sql<{ tries: number }>`select tries from parity.report_chunks where report_id = ${cut.id} order by chunk_no`.execute(trx),
    );
    expect(tries.rows.map((r) => r.tries)).toEqual([1, 2, 1, 1]); // 3 slices of 2 rows and the canonical cases
    const same = (r: typeof whole) => ({ ...r, id: undefined, name: undefined, durationMs: undefined, createdAt: undefined, finishedAt: undefined });
    expect(same(resumed)).toEqual(same(whole));
    expect(resumed).toMatchObject({ status: 'done', employees: 15 });
  });
});

describe('parity exports', () => {
  let reportId: string;
  beforeAll(async () => {
    // Store a report with hostile cell values directly, as a run of a perturbed plan would.
    reportId = await withTenant(app.db, TENANT, async (trx) => {
      const r = await trx
        .insertInto('parity.reports')
        .values({
          tenant_id: TENANT,
          name: '=HYPERLINK("x")',
          source: '{}',
          plan_ref: '{}',
          status: 'done',
          error: null,
          duration_ms: 1,
          created_by: 't',
          signed_off_by: null,
          sign_off_note: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const tape = JSON.stringify({ inputs: {}, steps: [] });
      await trx
        .insertInto('parity.mismatches')
        .values([
          {
            tenant_id: TENANT,
            report_id: r.id,
            employee_id: '=cmd|calc',
            batch_id: '1',
            output: 'bonus',
            legacy_value: '-0.01',
            new_value: '0',
            abs_diff: '0.01',
            within_tolerance: true,
            first_diff_step: '@bonus',
            legacy_tape: tape,
            new_tape: tape,
          },
          {
            tenant_id: TENANT,
            report_id: r.id,
            employee_id: 'E,"2"',
            batch_id: '1',
            output: 'raw',
            legacy_value: '1',
            new_value: '+1',
            abs_diff: '0',
            within_tolerance: true,
            first_diff_step: 'raw',
            legacy_tape: tape,
            new_tape: tape,
          },
        ])
        .execute();
      return r.id;
    });
  });

  it('exports CSV cells that a spreadsheet cannot run as formulas', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/parity/reports/${reportId}/export.csv`,
      headers: await as(['finance']),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="parity-HYPERLINK-x.csv"');
    expect(res.body).toBe(
      'batch_id,employee_id,output,legacy_value,new_value,abs_diff,within_tolerance,first_diff_step\r\n' +
        "1,'=cmd|calc,bonus,-0.01,0,0.01,yes,'@bonus\r\n" +
        `1,"E,""2""",raw,1,+1,0,yes,raw\r\n`,
    );
  });

  it('exports an XLSX workbook with a summary and the mismatches, formula-safe', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/parity/reports/${reportId}/export.xlsx`,
      headers: await as(['finance']),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const files = unzip(res.rawPayload);
    expect(Object.keys(files).sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/_rels/workbook.xml.rels',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet2.xml',
    ]);
    expect(files['xl/workbook.xml']).toContain(
      '<sheet name="Summary" sheetId="1" r:id="rId1"/><sheet name="Mismatches" sheetId="2" r:id="rId2"/>',
    );
    const sheet2 = files['xl/worksheets/sheet2.xml'] as string;
    expect(sheet2).not.toContain('<f>');
    expect(sheet2).toContain('<c r="B2" t="inlineStr"><is><t xml:space="preserve">\'=cmd|calc</t></is></c>');
    expect(sheet2).toContain('<c r="D2"><v>-0.01</v></c>');
    expect(sheet2).toContain('<t xml:space="preserve">E,&quot;2&quot;</t>');
    expect(files['xl/worksheets/sheet1.xml']).toContain("'=HYPERLINK(&quot;x&quot;)");
  });
});

/** Read a ZIP (as written by export.ts: deflate, no data descriptors) into name → text. */
function unzip(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let p = 0;
  while (buf.readUInt32LE(p) === 0x04034b50) {
    const size = buf.readUInt32LE(p + 18);
    const nameLen = buf.readUInt16LE(p + 26);
    const extra = buf.readUInt16LE(p + 28);
    const name = buf.subarray(p + 30, p + 30 + nameLen).toString('utf8');
    const start = p + 30 + nameLen + extra;
    out[name] = inflateRawSync(buf.subarray(start, start + size)).toString('utf8');
    p = start + size;
  }
  return out;
}
