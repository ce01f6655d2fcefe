import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp } from '../../test/helpers';
import { loginAs } from '../../test/auth';
import { withTenant } from '../core/db';
import { makeUpload } from '../runs/pipeline/test-support';
import { renderMail } from './templates';

// approval_requested and run_finalized are written to identity.outbox by the approval's own
// transaction (modules/approvals → modules/notify producers), against the real app and Postgres.

type Who = Awaited<ReturnType<typeof loginAs>>;

let app: FastifyInstance;
let hr: Who;
let managers: Who[];
let finance: Who;
let uploadId: number;

async function api(who: Who, method: string, url: string, body?: unknown) {
  const res = await app.inject({ method: method as 'GET', url: `/api/v1/tenants/${who.tenantId}${url}`, headers: who.headers, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

async function makeRun(createdBy: string): Promise<number> {
  const row = await withTenant(app.db, hr.tenantId, (trx) =>
    sql<{ id: number }>`insert into runs.runs (tenant_id, upload_id, name, status, total_bonus, employee_count, source, created_by)
      values (${hr.tenantId}, ${uploadId}, 'Q4 bonus', 'completed', '1000.50', 3, 'fig', ${createdBy}) returning id`.execute(trx),
  );
  return row.rows[0]!.id;
}

const mails = (kind: string, approvalOrRun: string) =>
  app.db
    .selectFrom('identity.outbox')
    .select(['id', 'kind', 'to_email', 'subject', 'body', 'payload'])
    .where('kind', '=', kind)
    .where(sql<boolean>`payload->>'path' like ${`%/${approvalOrRun}`}`)
    .orderBy('to_email')
    .execute();

beforeAll(async () => {
  ({ app } = await buildTestApp());
  hr = await loginAs(app, { roles: ['hr'] });
  managers = [await loginAs(app, { roles: ['manager'], tenantId: hr.tenantId }), await loginAs(app, { roles: ['manager'], tenantId: hr.tenantId })];
  finance = await loginAs(app, { roles: ['finance'], tenantId: hr.tenantId });
  // A manager of another organisation must never be mailed.
  await loginAs(app, { roles: ['manager'] });
  uploadId = await makeUpload(app, hr.tenantId, 3);
});

afterAll(async () => {
  await app?.close();
});

describe('mails caused by approvals', () => {
  it('mails each step’s role holders as the approval reaches it, and the run’s creator when it is finalized', async () => {
    const runId = await makeRun(hr.email);
    const submitted = await api(hr, 'POST', '/approvals', { subjectType: 'run', subjectId: String(runId) });
    expect(submitted.status).toBe(201);
    const id: string = submitted.body.id;

    const first = await mails('approval_requested', id);
    expect(first.map((m) => m.to_email)).toEqual(managers.map((m) => m.email).sort());
    expect(first[0]!.payload).toMatchObject({ path: `/approvals/${id}`, requestedBy: hr.email, role: 'manager', title: `run ${runId}` });
    const rendered = renderMail({ kind: 'approval_requested', subject: first[0]!.subject, body: first[0]!.body, payload: first[0]!.payload as Record<string, unknown> }, 'https://fig.example');
    expect(rendered.text).toContain(`https://fig.example/app/approvals/${id}`);

    // Manager approves: the hr step is reached, hr is asked (with the manager's comment).
    expect((await api(managers[0]!, 'POST', `/approvals/${id}/decisions`, { decision: 'approve', comment: 'looks right' })).status).toBe(201);
    const second = (await mails('approval_requested', id)).filter((m) => (m.payload as { role: string }).role === 'hr');
    expect(second.map((m) => m.to_email)).toEqual([hr.email]);
    expect(second[0]!.payload).toMatchObject({ requestedBy: managers[0]!.email, note: 'looks right' });

    expect(await mails('run_finalized', String(runId))).toEqual([]);
    expect((await api(hr, 'POST', `/approvals/${id}/decisions`, { decision: 'approve' })).status).toBe(201);
    expect((await api(finance, 'POST', `/approvals/${id}/decisions`, { decision: 'approve' })).status).toBe(201);
    const finalized = await mails('run_finalized', String(runId));
    expect(finalized).toHaveLength(1);
    expect(finalized[0]).toMatchObject({ to_email: hr.email, subject: 'Run finalized: Q4 bonus' });
    expect(finalized[0]!.payload).toMatchObject({ runName: 'Q4 bonus', finalizedBy: finance.email, employees: '3', path: `/runs/${runId}` });
    // The last approval reaches no further step: no more approval mails than the three steps sent.
    expect(await mails('approval_requested', id)).toHaveLength(4);
  });

  it('writes no mail when the decision is refused (wrong role), and none for a system-created run', async () => {
    const runId = await makeRun('system');
    const submitted = await api(hr, 'POST', '/approvals', { subjectType: 'run', subjectId: String(runId) });
    const id: string = submitted.body.id;
    const before = await mails('approval_requested', id);
    expect((await api(finance, 'POST', `/approvals/${id}/decisions`, { decision: 'approve' })).status).toBe(403);
    expect(await mails('approval_requested', id)).toEqual(before);
    for (const who of [managers[1]!, hr, finance]) expect((await api(who, 'POST', `/approvals/${id}/decisions`, { decision: 'approve' })).status).toBe(201);
    expect(await mails('run_finalized', String(runId))).toEqual([]);
  });

  it('rolls the mail back with the approval when the subject refuses it', async () => {
    const runId = await makeRun(hr.email);
    await withTenant(app.db, hr.tenantId, (trx) => trx.updateTable('runs.runs').set({ status: 'running' }).where('id', '=', runId).execute());
    const res = await api(hr, 'POST', '/approvals', { subjectType: 'run', subjectId: String(runId) });
    expect(res.status).toBe(409);
    const count = await app.db.selectFrom('identity.outbox').select(sql<string>`count(*)`.as('n')).where('kind', '=', 'approval_requested').where(sql<boolean>`payload->>'title' = ${`run ${runId}`}`).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });
});
