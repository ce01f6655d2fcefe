import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp } from '../../test/helpers';
import { loginAs } from '../../test/auth';
import { withTenant } from '../core/db';
import { AppError } from '../core/errors';
import type { ApprovalEvent } from './index';

type Who = { headers: { authorization: string }; tenantId: string; email: string; userId: string };

let app: FastifyInstance;
let admin: Who;
let manager: Who;
let hr: Who;
let finance: Who;
let finance2: Who;
let auditor: Who;
let stranger: Who; // another tenant, finance there
const events: Array<{ hook: string; event: ApprovalEvent & { reason?: string } }> = [];
let failNextApproval = false;

const problem = (status: number, code: string, detail: string | RegExp, extra: Record<string, unknown> = {}) => ({
  type: `https://fig.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
  title: { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Content' }[status],
  status,
  code,
  detail: typeof detail === 'string' ? detail : expect.stringMatching(detail),
  instance: expect.any(String),
  request_id: expect.any(String),
  ...extra,
});

async function api(who: Who, method: string, url: string, body?: unknown) {
  const res = await app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: who.headers, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

const ctxOf = (who: Who, roles: string[] = []) => ({ tenantId: who.tenantId, actor: who.email, actorId: who.userId, roles });
const decideAs = (who: Who, id: string, body: Record<string, unknown>) => api(who, 'POST', `/tenants/${who.tenantId}/approvals/${id}/decisions`, body);
let subjectSeq = 0;
const nextSubject = () => `subject-${++subjectSeq}`;

beforeAll(async () => {
  ({ app } = await buildTestApp());
  admin = await loginAs(app, { roles: ['admin'] });
  const tenantId = admin.tenantId;
  manager = await loginAs(app, { roles: ['manager'], tenantId });
  hr = await loginAs(app, { roles: ['hr'], tenantId });
  finance = await loginAs(app, { roles: ['finance'], tenantId });
  finance2 = await loginAs(app, { roles: ['finance'], tenantId });
  auditor = await loginAs(app, { roles: ['auditor'], tenantId });
  stranger = await loginAs(app, { roles: ['finance'] });
  // A subject module of this test: records what its hooks saw, and can refuse a final approval.
  app.approvals.registerSubject('memo', {
    onSubmit: async (_trx, e) => {
      if (e.subjectId === 'draft-only') throw new AppError('MEMO_NOT_READY', 409, 'Memo draft-only is not finished');
      return { amount: '20000' };
    },
    onStepApproved: async (_trx, event) => void events.push({ hook: 'step', event }),
    onApproved: async (_trx, event) => {
      if (failNextApproval) throw new AppError('MEMO_LOCKED', 409, 'The memo changed while it was approved');
      events.push({ hook: 'approved', event });
    },
    onRejected: async (_trx, event) => void events.push({ hook: 'rejected', event }),
  });
  const created = await api(admin, 'POST', `/tenants/${tenantId}/approval-policies`, {
    key: 'memo',
    subjectType: 'memo',
    name: 'Memo approval',
    steps: [
      { role: 'hr', label: 'HR' },
      { role: 'finance', label: 'Finance' },
      { role: 'finance', label: 'Second finance above 10,000', minAmount: '10000' },
    ],
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await app?.close();
});

describe('policies', () => {
  it('lists the default run policy, manager → hr → finance, written into the tenant on first use', async () => {
    const { status, body } = await api(auditor, 'GET', `/tenants/${auditor.tenantId}/approval-policies`);
    expect(status).toBe(200);
    const run = body.data.find((p: { key: string }) => p.key === 'run');
    expect(run).toMatchObject({ key: 'run', version: 1, subjectType: 'run', distinctApprovers: true, createdBy: 'system' });
    expect(run.steps.map((s: { role: string }) => s.role)).toEqual(['manager', 'hr', 'finance']);
    expect(body.data.map((p: { key: string }) => p.key).sort()).toEqual(['ap-bill', 'memo', 'run']);
  });

  it('posts a new version of a policy; the old version stays for the approvals that use it', async () => {
    const before = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'run', subjectId: nextSubject(), amount: '500', policyKey: 'run' });
    const { status, body } = await api(admin, 'POST', `/tenants/${admin.tenantId}/approval-policies`, {
      key: 'run',
      subjectType: 'run',
      name: 'Bonus run approval',
      steps: [{ role: 'hr' }, { role: 'finance' }, { role: 'finance', label: 'Second finance', minAmount: '1000000' }],
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ key: 'run', version: 2, createdBy: admin.email });
    expect(body.steps).toEqual([
      { position: 1, role: 'hr', label: '', minAmount: null },
      { position: 2, role: 'finance', label: '', minAmount: null },
      { position: 3, role: 'finance', label: 'Second finance', minAmount: '1000000' },
    ]);
    const kept = await app.approvals.getApproval(ctxOf(hr), before.id);
    expect(kept.steps.map((s) => s.role)).toEqual(['manager', 'hr', 'finance']);
    const after = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'run', subjectId: nextSubject(), amount: '2000000', policyKey: 'run' });
    expect(after.steps.map((s) => s.role)).toEqual(['hr', 'finance', 'finance']);
  });

  it('refuses a policy whose every step has a threshold, and a policy edit by a non-admin', async () => {
    const bad = await api(admin, 'POST', `/tenants/${admin.tenantId}/approval-policies`, {
      key: 'x',
      subjectType: 'x',
      name: 'X',
      steps: [{ role: 'finance', minAmount: '5' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(
      problem(400, 'FIG_VALIDATION', '1 invalid field(s)', {
        errors: [expect.objectContaining({ path: 'body.steps', message: 'needs at least one step without an amount threshold' })],
      }),
    );
    const forbidden = await api(hr, 'POST', `/tenants/${hr.tenantId}/approval-policies`, { key: 'x', subjectType: 'x', name: 'X', steps: [{ role: 'hr' }] });
    expect(forbidden.status).toBe(403);
  });
});

describe('the default run policy', () => {
  it('walks manager → hr → finance to approved (a subject without hooks), each step in the inbox of its role only, every transition audited', async () => {
    const subjectId = nextSubject();
    await app.approvals.createPolicy(ctxOf(admin), {
      key: 'run3',
      subjectType: 'note',
      name: 'Three steps',
      description: '',
      distinctApprovers: true,
      steps: [
        { role: 'manager', label: 'Manager review' },
        { role: 'hr', label: 'HR approval' },
        { role: 'finance', label: 'Finance approval' },
      ],
    });
    const started = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'note', subjectId, amount: '1234.50', policyKey: 'run3' });
    expect(started).toMatchObject({ status: 'pending', amount: '1234.5', currentStep: { position: 1, role: 'manager', of: 3 }, history: [] });

    for (const [who, role, other] of [
      [manager, 'manager', hr],
      [hr, 'hr', finance],
      [finance, 'finance', manager],
    ] as const) {
      const inbox = await api(who, 'GET', `/tenants/${who.tenantId}/approvals?mine=1`);
      expect(inbox.body.data.map((i: { id: string }) => i.id)).toContain(started.id);
      const notYours = await api(other, 'GET', `/tenants/${who.tenantId}/approvals?mine=1`);
      expect(notYours.body.data.map((i: { id: string }) => i.id)).not.toContain(started.id);
      const res = await decideAs(who, started.id, { decision: 'approve', comment: `ok from ${role}` });
      expect(res.status).toBe(201);
    }
    const done = await api(auditor, 'GET', `/tenants/${auditor.tenantId}/approvals/${started.id}`);
    expect(done.body).toMatchObject({ status: 'approved', currentStep: null, completedAt: expect.any(String) });
    expect(done.body.history).toEqual([
      { position: 1, role: 'manager', decision: 'approve', comment: 'ok from manager', actor: manager.email, actorId: manager.userId, decidedAt: expect.any(String) },
      { position: 2, role: 'hr', decision: 'approve', comment: 'ok from hr', actor: hr.email, actorId: hr.userId, decidedAt: expect.any(String) },
      { position: 3, role: 'finance', decision: 'approve', comment: 'ok from finance', actor: finance.email, actorId: finance.userId, decidedAt: expect.any(String) },
    ]);
    const audit = await withTenant(app.db, admin.tenantId, (trx) =>
      trx.selectFrom('audit.events').select(['action', 'actor']).where('entity_id', '=', started.id).orderBy('seq').execute(),
    );
    expect(audit).toEqual([
      { action: 'approval.start', actor: hr.email },
      { action: 'approval.approve', actor: manager.email },
      { action: 'approval.approve', actor: hr.email },
      { action: 'approval.complete', actor: finance.email },
    ]);
    const again = await decideAs(finance, started.id, { decision: 'approve' });
    expect(again.body).toEqual(problem(409, 'APPROVAL_NOT_PENDING', `Approval ${started.id} is approved; only a pending approval takes decisions`, { status: 'approved' }));
  });

  it('answers a decision by the wrong role with 403 and the reason, and records nothing', async () => {
    const a = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'memo', subjectId: nextSubject(), amount: '10', policyKey: 'memo' });
    const res = await decideAs(finance, a.id, { decision: 'approve' });
    expect(res.body).toEqual(
      problem(403, 'APPROVAL_WRONG_ROLE', 'Step 1 of 2 (HR) is decided by the hr role; you have finance', { requiredRole: 'hr', position: 1 }),
    );
    const noPermission = await decideAs(auditor, a.id, { decision: 'approve' });
    expect(noPermission.status).toBe(403);
    expect((await app.approvals.getApproval(ctxOf(hr), a.id)).history).toEqual([]);
  });
});

describe('thresholds, rejection and hooks', () => {
  it('adds the second finance step only above the threshold, and when the amount is unknown', async () => {
    const small = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'memo', subjectId: nextSubject(), amount: '10000', policyKey: 'memo' });
    const large = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'memo', subjectId: nextSubject(), amount: '10000.01', policyKey: 'memo' });
    const unknown = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'memo', subjectId: nextSubject(), amount: null, policyKey: 'memo' });
    expect(small.steps.map((s) => s.label)).toEqual(['HR', 'Finance']);
    expect(large.steps.map((s) => s.label)).toEqual(['HR', 'Finance', 'Second finance above 10,000']);
    expect(unknown.steps).toHaveLength(3);
  });

  it('needs a different finance person for the second finance step, then tells the subject module', async () => {
    const subjectId = nextSubject();
    const a = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'memo', subjectId, amount: '50000', policyKey: 'memo' });
    expect((await decideAs(hr, a.id, { decision: 'approve' })).status).toBe(201);
    expect((await decideAs(finance, a.id, { decision: 'approve', position: 2 })).status).toBe(201);
    const inbox = await api(finance, 'GET', `/tenants/${finance.tenantId}/approvals?mine=1&subjectType=memo`);
    expect(inbox.body.data.map((i: { id: string }) => i.id)).not.toContain(a.id);
    const twice = await decideAs(finance, a.id, { decision: 'approve' });
    expect(twice.body).toEqual(
      problem(403, 'APPROVAL_SAME_APPROVER', `${finance.email} already decided step 2 of this approval; this policy needs a different person for each step`, {
        decidedPosition: 2,
      }),
    );
    const moved = await decideAs(finance2, a.id, { decision: 'approve', position: 2 });
    expect(moved.body).toEqual(problem(409, 'APPROVAL_STEP_MOVED', `Approval ${a.id} is at step 3, not step 2: reload and decide again`, { currentPosition: 3 }));
    expect((await decideAs(finance2, a.id, { decision: 'approve', position: 3 })).status).toBe(201);
    const mine = events.filter((e) => e.event.instance.subjectId === subjectId).map((e) => [e.hook, e.event.decision?.actor]);
    expect(mine).toEqual([
      ['step', hr.email],
      ['step', finance.email],
      ['approved', finance2.email],
    ]);
  });

  it('needs a reason to reject, then returns the subject to its module with that reason', async () => {
    const subjectId = nextSubject();
    const a = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'memo', subjectId, amount: '1', policyKey: 'memo' });
    const noReason = await decideAs(hr, a.id, { decision: 'reject' });
    expect(noReason.body).toEqual(
      problem(400, 'FIG_VALIDATION', '1 invalid field(s)', { errors: [expect.objectContaining({ path: 'body.comment', message: 'a rejection needs a reason' })] }),
    );
    const res = await decideAs(hr, a.id, { decision: 'reject', comment: 'Q3 figures are missing' });
    expect(res.body).toMatchObject({ status: 'rejected', reason: 'Q3 figures are missing', currentStep: null });
    const rejected = events.find((e) => e.hook === 'rejected' && e.event.instance.subjectId === subjectId);
    expect(rejected?.event).toMatchObject({ reason: 'Q3 figures are missing', actor: hr.email });
    // The subject can be submitted again: a new instance, the history keeps both.
    const again = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'memo', subjectId, amount: '1', policyKey: 'memo' });
    expect(again.id).not.toBe(a.id);
    const dup = app.approvals.startApproval(ctxOf(hr), { subjectType: 'memo', subjectId, amount: '1', policyKey: 'memo' });
    await expect(dup).rejects.toMatchObject({ code: 'APPROVAL_ALREADY_PENDING', statusCode: 409 });
    expect(await app.approvals.history(ctxOf(hr), { subjectType: 'memo', subjectId })).toHaveLength(1);
  });

  it('undoes the decision when the subject module refuses it in its hook', async () => {
    const a = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'memo', subjectId: nextSubject(), amount: '1', policyKey: 'memo' });
    await app.approvals.decide(ctxOf(hr, ['hr']), a.id, { decision: 'approve' });
    failNextApproval = true;
    try {
      const res = await decideAs(finance, a.id, { decision: 'approve' });
      expect(res.body).toEqual(problem(409, 'MEMO_LOCKED', 'The memo changed while it was approved'));
    } finally {
      failNextApproval = false;
    }
    const still = await app.approvals.getApproval(ctxOf(hr), a.id);
    expect(still).toMatchObject({ status: 'pending', currentStep: { position: 2, role: 'finance' } });
    expect(still.history).toHaveLength(1);
  });

  it('refuses a policy of another subject type, and an unknown policy', async () => {
    await expect(app.approvals.startApproval(ctxOf(hr), { subjectType: 'ap_bill', subjectId: '1', policyKey: 'memo' })).rejects.toMatchObject({
      code: 'APPROVAL_POLICY_SUBJECT',
      statusCode: 422,
    });
    await expect(app.approvals.startApproval(ctxOf(hr), { subjectType: 'memo', subjectId: '1', policyKey: 'nope' })).rejects.toMatchObject({
      code: 'APPROVAL_POLICY_NOT_FOUND',
      statusCode: 404,
    });
  });
});

describe('submitting through the generic route', () => {
  it('asks the subject module (onSubmit) for the amount, then starts the policy', async () => {
    const res = await api(hr, 'POST', `/tenants/${hr.tenantId}/approvals`, { subjectType: 'memo', subjectId: 'sub-1', policyKey: 'memo' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ subjectType: 'memo', subjectId: 'sub-1', amount: '20000', status: 'pending', startedBy: hr.email });
    expect(res.body.steps).toHaveLength(3);
    const refused = await api(hr, 'POST', `/tenants/${hr.tenantId}/approvals`, { subjectType: 'memo', subjectId: 'draft-only', policyKey: 'memo' });
    expect(refused.body).toEqual(problem(409, 'MEMO_NOT_READY', 'Memo draft-only is not finished'));
    expect((await app.approvals.listApprovals(ctxOf(hr), { limit: 50, subjectId: 'draft-only' })).total).toBe(0);
  });

  it('refuses a subject type no module takes submissions of, and a manager (no approvals.submit)', async () => {
    const res = await api(hr, 'POST', `/tenants/${hr.tenantId}/approvals`, { subjectType: 'ap_bill', subjectId: '7' });
    expect(res.body).toEqual(
      problem(422, 'APPROVAL_SUBJECT_UNKNOWN', 'ap_bill subjects cannot be submitted here: their own module starts their approvals', {
        errors: [{ path: 'body.subjectType', message: 'no module takes submissions of this subject type' }],
      }),
    );
    expect((await api(manager, 'POST', `/tenants/${manager.tenantId}/approvals`, { subjectType: 'memo', subjectId: 'x' })).status).toBe(403);
  });
});

describe('tenancy and integrity', () => {
  it('hides one tenant’s approvals from another (404, empty lists)', async () => {
    const a = await app.approvals.startApproval(ctxOf(hr), { subjectType: 'memo', subjectId: nextSubject(), policyKey: 'memo' });
    expect((await api(stranger, 'GET', `/tenants/${stranger.tenantId}/approvals/${a.id}`)).status).toBe(404);
    expect((await api(stranger, 'GET', `/tenants/${hr.tenantId}/approvals/${a.id}`)).status).toBe(404);
    expect((await decideAs(stranger, a.id, { decision: 'approve' })).status).toBe(404);
    const list = await api(stranger, 'GET', `/tenants/${stranger.tenantId}/approvals`);
    expect(list.body).toMatchObject({ data: [], total: 0, hasMore: false });
  });

  it('keeps decisions and policy versions append-only, even for the app role', async () => {
    const update = withTenant(app.db, admin.tenantId, (trx) => sql`update approvals.decisions set comment = 'edited'`.execute(trx));
    await expect(update).rejects.toThrow(/permission denied|append-only/);
    const del = withTenant(app.db, admin.tenantId, (trx) => sql`delete from approvals.policies`.execute(trx));
    await expect(del).rejects.toThrow(/permission denied|append-only/);
  });
});
