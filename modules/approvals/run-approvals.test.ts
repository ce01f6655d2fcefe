import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp } from '../../test/helpers';
import { loginAs } from '../../test/auth';
import { withTenant } from '../core/db';
import { makeUpload } from '../runs/pipeline/test-support';

type Who = { headers: { authorization: string }; tenantId: string; email: string; userId: string };

let app: FastifyInstance;
let hr: Who;
let manager: Who;
let finance: Who;
let uploadId: number;

async function api(who: Who, method: string, url: string, body?: unknown) {
  const res = await app.inject({ method: method as 'GET', url: `/api/v1/tenants/${who.tenantId}${url}`, headers: who.headers, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

/** A run row in `status` (as the pipeline leaves it), with a payout total. */
async function makeRun(status: string, totalBonus = '123456.78'): Promise<number> {
  const row = await withTenant(app.db, hr.tenantId, (trx) =>
    sql<{ id: number }>`insert into runs.runs (tenant_id, upload_id, name, status, total_bonus, employee_count, source)
      values (${hr.tenantId}, ${uploadId}, 'Q4 bonus', ${status}, ${totalBonus}, 3, 'fig') returning id`.execute(trx),
  );
  return row.rows[0]!.id;
}

const runRow = (id: number) =>
  withTenant(app.db, hr.tenantId, (trx) => trx.selectFrom('runs.runs').select(['status', 'finalized_by']).where('id', '=', id).executeTakeFirstOrThrow());

beforeAll(async () => {
  ({ app } = await buildTestApp());
  hr = await loginAs(app, { roles: ['hr'] });
  manager = await loginAs(app, { roles: ['manager'], tenantId: hr.tenantId });
  finance = await loginAs(app, { roles: ['finance'], tenantId: hr.tenantId });
  uploadId = await makeUpload(app, hr.tenantId, 3);
});

afterAll(async () => {
  await app?.close();
});

describe('run approvals (manager → hr → finance → finalized)', () => {
  it('puts a submitted run in review, and the finance approval finalizes it', async () => {
    const runId = await makeRun('completed');
    const submitted = await api(hr, 'POST', '/approvals', { subjectType: 'run', subjectId: String(runId) });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ policyKey: 'run', amount: '123456.78', currentStep: { role: 'manager', position: 1, of: 3 } });
    expect((await runRow(runId)).status).toBe('in_review');

    for (const who of [manager, hr]) {
      expect((await api(who, 'POST', `/approvals/${submitted.body.id}/decisions`, { decision: 'approve' })).status).toBe(201);
      expect((await runRow(runId)).status).toBe('in_review');
    }
    const last = await api(finance, 'POST', `/approvals/${submitted.body.id}/decisions`, { decision: 'approve', comment: 'pool checked' });
    expect(last.body).toMatchObject({ status: 'approved' });
    expect(await runRow(runId)).toEqual({ status: 'finalized', finalized_by: finance.email });
    const actions = await withTenant(app.db, hr.tenantId, (trx) =>
      trx.selectFrom('audit.events').select('action').where('entity', '=', 'run').where('entity_id', '=', String(runId)).orderBy('seq').execute(),
    );
    expect(actions.map((a) => a.action)).toEqual(['run.in_review', 'run.finalized']);
  });

  it('sends a rejected run back to completed with the reason, and it can be submitted again', async () => {
    const runId = await makeRun('completed');
    const submitted = await api(hr, 'POST', '/approvals', { subjectType: 'run', subjectId: String(runId) });
    const rejected = await api(manager, 'POST', `/approvals/${submitted.body.id}/decisions`, { decision: 'reject', comment: 'Sales team is missing' });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'Sales team is missing' });
    expect((await runRow(runId)).status).toBe('completed');
    const audit = await withTenant(app.db, hr.tenantId, (trx) =>
      trx.selectFrom('audit.events').select(['action', 'after']).where('entity', '=', 'run').where('entity_id', '=', String(runId)).orderBy('seq', 'desc').executeTakeFirstOrThrow(),
    );
    expect(audit).toMatchObject({ action: 'run.completed', after: { status: 'completed', comment: 'Sales team is missing' } });
    expect((await api(hr, 'POST', '/approvals', { subjectType: 'run', subjectId: String(runId) })).status).toBe(201);
  });

  it('refuses to submit a run that is still computing, and writes no approval', async () => {
    const runId = await makeRun('running');
    const res = await api(hr, 'POST', '/approvals', { subjectType: 'run', subjectId: String(runId) });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'RUN_STATE_CONFLICT', detail: `run ${runId} cannot go from running to in_review` });
    expect((await api(hr, 'GET', `/approvals?subjectType=run&subjectId=${runId}`)).body.total).toBe(0);
    expect((await runRow(runId)).status).toBe('running');
  });

  it('refuses a decision on a finalized run’s approval (409), the run stays finalized', async () => {
    const runId = await makeRun('completed');
    const submitted = await api(hr, 'POST', '/approvals', { subjectType: 'run', subjectId: String(runId) });
    for (const who of [manager, hr, finance]) await api(who, 'POST', `/approvals/${submitted.body.id}/decisions`, { decision: 'approve' });
    const again = await api(finance, 'POST', `/approvals/${submitted.body.id}/decisions`, { decision: 'reject', comment: 'too late' });
    expect(again.status).toBe(409);
    expect((await api(hr, 'POST', '/approvals', { subjectType: 'run', subjectId: String(runId) })).status).toBe(409);
    expect((await runRow(runId)).status).toBe('finalized');
  });
});
