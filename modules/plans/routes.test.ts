import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp } from '../../test/helpers';
import { loginAs } from '../../test/auth';
import { withTenant } from '../core/db';

type Who = { headers: { authorization: string }; tenantId: string; email: string; userId: string };

let app: FastifyInstance;
let admin: Who; // tenant A, every plans permission
let hr: Who; // tenant A, plans.read + plans.write (no lock)
let readonly: Who; // tenant A, plans.read only
let stranger: Who; // tenant B, admin there

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

async function makePlan(who: Who = admin, name = 'Sales bonus') {
  const { status, body: plan } = await api(who, 'POST', `/tenants/${who.tenantId}/bonus-plans`, {
    name,
    inputs: [{ name: 'base_salary' }, { name: 'target_pct' }, { name: 'performance_score' }],
    constants: [{ name: 'cap_ratio', value: '1' }],
  });
  expect(status).toBe(201);
  for (const [key, expr] of [
    ['target', 'base_salary * target_pct'],
    ['mult', 'if(performance_score >= 0.8) then 1.2 else 1'],
    ['raw', 'target * mult'],
    ['bonus', 'round2(min(raw, base_salary * cap_ratio))'],
  ]) {
    expect((await api(who, 'POST', `/bonus-plans/${plan.id}/steps`, { key, expr })).status).toBe(201);
  }
  return (await api(who, 'GET', `/bonus-plans/${plan.id}`)).body;
}

const count = async (table: string, tenantId: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where tenant_id = ${tenantId}`.execute(app.db)).rows[0]!.n);

beforeAll(async () => {
  ({ app } = await buildTestApp());
  admin = await loginAs(app, { roles: ['admin'] });
  hr = await loginAs(app, { roles: ['hr'], tenantId: admin.tenantId });
  readonly = await loginAs(app, { roles: ['readonly'], tenantId: admin.tenantId });
  stranger = await loginAs(app, { roles: ['admin'] });
  expect(stranger.tenantId).not.toBe(admin.tenantId);
});
afterAll(() => app?.close());

describe('plans API', () => {
  it('creates and lists input catalog entries, refusing a duplicate key', async () => {
    const created = await api(admin, 'POST', `/tenants/${admin.tenantId}/input-catalog`, { key: 'bonus_base', label: 'Bonus base', type: 'money', unit: 'EUR' });
    expect(created).toEqual({
      status: 201,
      body: {
        id: expect.any(String),
        tenantId: admin.tenantId,
        key: 'bonus_base',
        label: 'Bonus base',
        type: 'money',
        description: '',
        unit: 'EUR',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    const again = await api(admin, 'POST', `/tenants/${admin.tenantId}/input-catalog`, { key: 'bonus_base', label: 'x' });
    expect(again).toEqual({
      status: 409,
      body: problem(409, 'INPUT_CATALOG_DUPLICATE', "Input 'bonus_base' is already in the catalog", { errors: [{ path: 'body.key', message: 'is already used' }] }),
    });
    // audit.events is tenant-scoped (RLS): read it as the tenant.
    const events = await withTenant(app.db, admin.tenantId, (trx) =>
      sql<{ actor: string; actor_id: string; action: string; entity_id: string }>`
      select actor, actor_id, action, entity_id from audit.events where tenant_id = ${admin.tenantId} and action like 'input_catalog.%' order by seq`.execute(trx),
    );
    expect(events.rows).toEqual([{ actor: admin.email, actor_id: admin.userId, action: 'input_catalog.create', entity_id: created.body.id }]);
    const list = await api(readonly, 'GET', `/tenants/${admin.tenantId}/input-catalog`);
    expect(list.body.data.map((i: { key: string }) => i.key)).toEqual(['bonus_base']);
  });

  it('creates, reads and patches a draft plan with steps and pools', async () => {
    const plan = await makePlan();
    expect(plan).toMatchObject({ version: 1, status: 'draft', parentId: null, catalogVersion: 1, createdBy: admin.email, lockedAt: null });
    expect(plan.steps.map((s: { key: string; output: string; position: number }) => [s.key, s.output, s.position])).toEqual([
      ['target', 'target', 0],
      ['mult', 'mult', 1],
      ['raw', 'raw', 2],
      ['bonus', 'bonus', 3],
    ]);
    const patched = await api(hr, 'PATCH', `/bonus-plans/${plan.id}`, { description: 'FY26', constants: [{ name: 'cap_ratio', value: '0.5' }] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Sales bonus', description: 'FY26', constants: [{ name: 'cap_ratio', value: '0.5', description: '' }] });

    const step = plan.steps[3];
    const ps = await api(hr, 'PATCH', `/bonus-plans/${plan.id}/steps/${step.id}`, { conditionExpr: 'raw > 0', default: '0.00' });
    expect(ps).toEqual({ status: 200, body: { ...step, conditionExpr: 'raw > 0', default: '0.00' } });

    const pool = await api(hr, 'POST', `/bonus-plans/${plan.id}/pools`, { name: 'Company', amount: '250000.50', column: 'bonus' });
    expect(pool).toEqual({
      status: 201,
      body: { id: expect.any(String), name: 'Company', amount: '250000.5', column: 'bonus', output: 'pool_bonus', idColumn: 'employee_id', description: '' },
    });
    const pp = await api(hr, 'PATCH', `/bonus-plans/${plan.id}/pools/${pool.body.id}`, { amount: '1000' });
    expect(pp.body.amount).toBe('1000');
    expect((await api(readonly, 'GET', `/bonus-plans/${plan.id}/pools`)).body.data).toHaveLength(1);
    expect((await api(hr, 'DELETE', `/bonus-plans/${plan.id}/pools/${pool.body.id}`)).status).toBe(204);
    expect((await api(hr, 'DELETE', `/bonus-plans/${plan.id}/steps/${plan.steps[0].id}`)).status).toBe(204);
    const steps = (await api(readonly, 'GET', `/bonus-plans/${plan.id}/steps`)).body.data;
    expect(steps.map((s: { key: string; position: number }) => [s.key, s.position])).toEqual([['mult', 0], ['raw', 1], ['bonus', 2]]);
    const order = await api(hr, 'POST', `/bonus-plans/${plan.id}/steps/reorder`, { stepIds: [steps[2].id, steps[0].id, steps[1].id] });
    expect(order.body.data.map((s: { key: string }) => s.key)).toEqual(['bonus', 'mult', 'raw']);
  });

  it('paginates plans newest first', async () => {
    const t = await loginAs(app, { roles: ['admin'] });
    for (const n of ['p1', 'p2', 'p3']) await api(t, 'POST', `/tenants/${t.tenantId}/bonus-plans`, { name: n });
    const first = await api(t, 'GET', `/tenants/${t.tenantId}/bonus-plans?limit=2`);
    expect(first.body).toMatchObject({ total: 3, hasMore: true, nextCursor: expect.any(String) });
    expect(first.body.data.map((p: { name: string }) => p.name)).toEqual(['p3', 'p2']);
    const second = await api(t, 'GET', `/tenants/${t.tenantId}/bonus-plans?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ total: 3, hasMore: false, nextCursor: null });
    expect(second.body.data.map((p: { name: string; stepCount: number }) => [p.name, p.stepCount])).toEqual([['p1', 0]]);
  });

  it('validates with positions and refuses to lock an invalid plan', async () => {
    const plan = await makePlan();
    await api(admin, 'POST', `/bonus-plans/${plan.id}/steps`, { key: 'broken', expr: 'bonus +\n  nope(1)' });
    const v = await api(readonly, 'POST', `/bonus-plans/${plan.id}/validate`);
    expect(v.status).toBe(200);
    expect(v.body.valid).toBe(false);
    expect(v.body.problems).toEqual([
      {
        code: 'unknown_function',
        stepKey: 'broken',
        field: 'expr',
        line: 2,
        column: 3,
        message: expect.stringContaining("'nope'"),
        excerpt: '  nope(1)\n  ^',
      },
    ]);
    const lock = await api(admin, 'POST', `/bonus-plans/${plan.id}/lock`);
    expect(lock).toEqual({
      status: 422,
      body: problem(422, 'PLAN_INVALID', `Bonus plan ${plan.id} has 1 problem(s) and cannot be locked`, { problems: v.body.problems }),
    });
    expect((await api(admin, 'GET', `/bonus-plans/${plan.id}`)).body.status).toBe('draft');
    const evaluate = await api(readonly, 'POST', `/bonus-plans/${plan.id}/evaluate`, { rows: [{}] });
    expect(evaluate).toEqual({
      status: 422,
      body: problem(422, 'PLAN_INVALID', `Bonus plan ${plan.id} has 1 problem(s) and cannot be evaluated`, { problems: v.body.problems }),
    });
  });

  it('evaluates test vectors: tape per row, failing rows, pool', async () => {
    const plan = await makePlan();
    await api(admin, 'POST', `/bonus-plans/${plan.id}/pools`, { name: 'Company', amount: '15000', column: 'bonus' });
    const res = await api(readonly, 'POST', `/bonus-plans/${plan.id}/evaluate`, {
      rows: [
        { employee_id: 'E1', base_salary: '100000', target_pct: '0.1', performance_score: '0.85' },
        { employee_id: 'E2', base_salary: '50000.50', target_pct: '0.15', performance_score: '0.5' },
        { employee_id: 'E3', base_salary: '1', target_pct: 'abc', performance_score: '1' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results[0].tape).toEqual([
      { step: 'target', output: 'target', value: '10000', condition: null },
      { step: 'mult', output: 'mult', value: '1.2', condition: null },
      { step: 'raw', output: 'raw', value: '12000', condition: null },
      { step: 'bonus', output: 'bonus', value: '12000', condition: null },
    ]);
    expect(res.body.results[1].outputs).toEqual({ target: '7500.075', mult: '1', raw: '7500.075', bonus: '7500.08', pool_bonus: '5769.27' });
    expect(res.body.results[0].outputs.pool_bonus).toBe('9230.73');
    expect(res.body.results[2]).toEqual({ row: 2, ok: false, error: { step: null, message: expect.stringContaining("input 'target_pct' is not a decimal") } });
    expect(res.body).toMatchObject({ rows: 3, failed: 1, catalogVersion: 1 });
    expect(res.body.pools).toEqual([{ name: 'Company', amount: '15000', column: 'bonus', output: 'pool_bonus', total: '19500.08', allocated: '15000', applied: true }]);

    const tooMany = await api(readonly, 'POST', `/bonus-plans/${plan.id}/evaluate`, { rows: Array.from({ length: 1001 }, () => ({})) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].path).toBe('body.rows');
  });

  it('locks a plan; every edit route then answers 409 PLAN_LOCKED and nothing changes', async () => {
    const plan = await makePlan();
    const pool = (await api(admin, 'POST', `/bonus-plans/${plan.id}/pools`, { name: 'P', amount: '10', column: 'bonus' })).body;
    const forbiddenLock = await api(hr, 'POST', `/bonus-plans/${plan.id}/lock`);
    expect(forbiddenLock).toEqual({ status: 403, body: problem(403, 'FIG_FORBIDDEN', 'This action needs the permission plans.lock') });
    const locked = await api(admin, 'POST', `/bonus-plans/${plan.id}/lock`);
    expect(locked.status).toBe(200);
    expect(locked.body).toMatchObject({ status: 'locked', lockedAt: expect.any(String), lockedBy: expect.any(String) });
    const step = plan.steps[0];
    const edits: [string, string, unknown?][] = [
      ['PATCH', `/bonus-plans/${plan.id}`, { name: 'x' }],
      ['POST', `/bonus-plans/${plan.id}/steps`, { key: 'extra', expr: '1' }],
      ['PATCH', `/bonus-plans/${plan.id}/steps/${step.id}`, { expr: '2' }],
      ['DELETE', `/bonus-plans/${plan.id}/steps/${step.id}`],
      ['POST', `/bonus-plans/${plan.id}/steps/reorder`, { stepIds: [...plan.steps].reverse().map((s: { id: string }) => s.id) }],
      ['POST', `/bonus-plans/${plan.id}/pools`, { name: 'Q', amount: '1', column: 'bonus' }],
      ['PATCH', `/bonus-plans/${plan.id}/pools/${pool.id}`, { amount: '2' }],
      ['DELETE', `/bonus-plans/${plan.id}/pools/${pool.id}`],
    ];
    for (const [method, url, body] of edits) {
      const res = await api(admin, method, url, body);
      expect(res, `${method} ${url}`).toEqual({
        status: 409,
        body: problem(409, 'PLAN_LOCKED', `Bonus plan ${plan.id} (version 1) is locked; start a new version to change it`, { planId: plan.id }),
      });
    }
    const again = await api(admin, 'POST', `/bonus-plans/${plan.id}/lock`);
    expect(again.body.code).toBe('PLAN_ALREADY_LOCKED');
    expect((await api(admin, 'GET', `/bonus-plans/${plan.id}`)).body).toEqual(locked.body);
  });

  it('starts a new version from a locked plan and diffs the two', async () => {
    const plan = await makePlan();
    const draftOnly = await api(admin, 'POST', `/bonus-plans/${plan.id}/versions`);
    expect(draftOnly).toEqual({
      status: 409,
      body: problem(409, 'PLAN_NOT_LOCKED', `Bonus plan ${plan.id} is a draft; a new version can only be started from a locked plan`, { planId: plan.id }),
    });
    await api(admin, 'POST', `/bonus-plans/${plan.id}/lock`);
    const v2 = await api(hr, 'POST', `/bonus-plans/${plan.id}/versions`);
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, status: 'draft', parentId: plan.id, familyId: plan.familyId });
    const raw = v2.body.steps.find((s: { key: string }) => s.key === 'raw');
    await api(hr, 'PATCH', `/bonus-plans/${v2.body.id}/steps/${raw.id}`, { expr: 'target * mult * 2' });
    const diff = await api(readonly, 'GET', `/bonus-plans/${plan.id}/diff/${v2.body.id}`);
    expect(diff.body).toEqual({
      from: { id: plan.id, version: 1, status: 'locked' },
      to: { id: v2.body.id, version: 2, status: 'draft' },
      added: [],
      removed: [],
      changed: [
        {
          key: 'raw',
          fields: ['expr'],
          before: { output: 'raw', expr: 'target * mult', conditionExpr: null, default: '0', position: 2 },
          after: { output: 'raw', expr: 'target * mult * 2', conditionExpr: null, default: '0', position: 2 },
        },
      ],
      unchanged: 3,
    });
  });

  it('imports a plan definition, and rolls back an invalid locked import', async () => {
    const def = {
      name: 'Imported',
      inputs: [{ name: 'x' }],
      constants: [{ name: 'k', value: '2' }],
      steps: [{ key: 'y', output: 'y', expr: 'x * k' }],
      pools: [{ name: 'P', amount: '5', column: 'y' }],
      lock: true,
    };
    const ok = await api(admin, 'POST', `/tenants/${admin.tenantId}/bonus-plans/import`, def);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ name: 'Imported', status: 'locked', version: 1, pools: [{ name: 'P', amount: '5', column: 'y' }] });
    const plans = await count('comp.bonus_plans', admin.tenantId);
    const bad = await api(admin, 'POST', `/tenants/${admin.tenantId}/bonus-plans/import`, { ...def, steps: [{ key: 'y', output: 'y', expr: 'x * unknown' }] });
    expect(bad.status).toBe(422);
    expect(bad.body.problems).toEqual([expect.objectContaining({ code: 'unknown_name', stepKey: 'y', field: 'expr', line: 1, column: 5 })]);
    expect(await count('comp.bonus_plans', admin.tenantId)).toBe(plans);
  });

  it('lists the engine function catalog', async () => {
    const res = await api(readonly, 'GET', '/engine/functions');
    expect(res.status).toBe(200);
    expect(res.body.catalogVersion).toBe(1);
    expect(res.body.functions.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['min', 'max', 'round2', 'round', 'clip', 'hurdle', 'pct', 'pct_change', 'cap_floor', 'abs', 'floor', 'ceil']));
    expect(res.body.functions.find((f: { name: string }) => f.name === 'round2')).toMatchObject({ signature: 'round2(x)', minArgs: 1, maxArgs: 1, examples: [{ expr: 'round2(2.675)', value: '2.68' }] });
  });

  it('answers 400 with field paths for bad bodies and writes nothing', async () => {
    const plan = await makePlan();
    const stepsBefore = await count('comp.plan_steps', admin.tenantId);
    const auditBefore = await count('audit.events', admin.tenantId);
    const bad = await api(admin, 'POST', `/bonus-plans/${plan.id}/steps`, { key: 'bad key', expr: '', default: '1e5', output: 'if' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject(problem(400, 'FIG_VALIDATION', /invalid field/));
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.default', 'body.expr', 'body.key', 'body.output']);
    const dupInputs = await api(admin, 'PATCH', `/bonus-plans/${plan.id}`, { inputs: [{ name: 'a' }, { name: 'a' }] });
    expect(dupInputs.body).toEqual(problem(400, 'FIG_VALIDATION', '1 invalid field(s)', { errors: [{ path: 'body.inputs[1].name', message: "'a' is listed twice", code: 'duplicate' }] }));
    const reorder = await api(admin, 'POST', `/bonus-plans/${plan.id}/steps/reorder`, { stepIds: [plan.steps[0].id] });
    expect(reorder.status).toBe(400);
    expect(reorder.body.errors).toHaveLength(3);
    const dupKey = await api(admin, 'POST', `/bonus-plans/${plan.id}/steps`, { key: 'target', expr: '1', output: 'other' });
    expect(dupKey.body).toEqual(problem(409, 'PLAN_DUPLICATE', 'A step with this key already exists', { errors: [{ path: 'body.key', message: 'is already used in this plan' }] }));
    expect(await count('comp.plan_steps', admin.tenantId)).toBe(stepsBefore);
    expect(await count('audit.events', admin.tenantId)).toBe(auditBefore);
    expect((await api(admin, 'GET', `/bonus-plans/${plan.id}/steps`)).body.data.map((s: { key: string }) => s.key)).toEqual(['target', 'mult', 'raw', 'bonus']);
  });

  it('refuses every write to a read-only user with 403', async () => {
    const plan = await makePlan();
    const step = plan.steps[0];
    const writes: [string, string, string, unknown?][] = [
      ['plans.write', 'POST', `/tenants/${admin.tenantId}/input-catalog`, { key: 'k', label: 'K' }],
      ['plans.write', 'POST', `/tenants/${admin.tenantId}/bonus-plans`, { name: 'x' }],
      ['plans.write', 'POST', `/tenants/${admin.tenantId}/bonus-plans/import`, { name: 'x', inputs: [], steps: [{ key: 'a', output: 'a', expr: '1' }] }],
      ['plans.write', 'PATCH', `/bonus-plans/${plan.id}`, { name: 'x' }],
      ['plans.lock', 'POST', `/bonus-plans/${plan.id}/lock`],
      ['plans.write', 'POST', `/bonus-plans/${plan.id}/versions`],
      ['plans.write', 'POST', `/bonus-plans/${plan.id}/steps`, { key: 'z', expr: '1' }],
      ['plans.write', 'PATCH', `/bonus-plans/${plan.id}/steps/${step.id}`, { expr: '1' }],
      ['plans.write', 'DELETE', `/bonus-plans/${plan.id}/steps/${step.id}`],
      ['plans.write', 'POST', `/bonus-plans/${plan.id}/steps/reorder`, { stepIds: [step.id] }],
      ['plans.write', 'POST', `/bonus-plans/${plan.id}/pools`, { name: 'P', amount: '1', column: 'bonus' }],
      ['plans.write', 'PATCH', `/bonus-plans/${plan.id}/pools/${step.id}`, { amount: '1' }],
      ['plans.write', 'DELETE', `/bonus-plans/${plan.id}/pools/${step.id}`],
    ];
    for (const [perm, method, url, body] of writes) {
      const res = await api(readonly, method, url, body);
      expect(res, `${method} ${url}`).toEqual({ status: 403, body: problem(403, 'FIG_FORBIDDEN', `This action needs the permission ${perm}`) });
    }
    expect((await api(admin, 'GET', `/bonus-plans/${plan.id}`)).body).toEqual(plan);
  });

  it("answers 404 for another tenant's plans on every ID-bearing route (no IDOR)", async () => {
    const plan = await makePlan();
    const pool = (await api(admin, 'POST', `/bonus-plans/${plan.id}/pools`, { name: 'P', amount: '1', column: 'bonus' })).body;
    const step = plan.steps[0];
    const mine = (await api(stranger, 'POST', `/tenants/${stranger.tenantId}/bonus-plans`, { name: 'theirs' })).body;
    const planRoutes: [string, string, unknown?][] = [
      ['GET', `/bonus-plans/${plan.id}`],
      ['PATCH', `/bonus-plans/${plan.id}`, { name: 'pwned' }],
      ['POST', `/bonus-plans/${plan.id}/lock`],
      ['POST', `/bonus-plans/${plan.id}/versions`],
      ['GET', `/bonus-plans/${plan.id}/steps`],
      ['POST', `/bonus-plans/${plan.id}/steps`, { key: 'z', expr: '1' }],
      ['PATCH', `/bonus-plans/${plan.id}/steps/${step.id}`, { expr: '1' }],
      ['DELETE', `/bonus-plans/${plan.id}/steps/${step.id}`],
      ['POST', `/bonus-plans/${plan.id}/steps/reorder`, { stepIds: [step.id] }],
      ['GET', `/bonus-plans/${plan.id}/pools`],
      ['POST', `/bonus-plans/${plan.id}/pools`, { name: 'Q', amount: '1', column: 'bonus' }],
      ['PATCH', `/bonus-plans/${plan.id}/pools/${pool.id}`, { amount: '2' }],
      ['DELETE', `/bonus-plans/${plan.id}/pools/${pool.id}`],
      ['POST', `/bonus-plans/${plan.id}/validate`],
      ['POST', `/bonus-plans/${plan.id}/evaluate`, { rows: [{}] }],
      ['GET', `/bonus-plans/${plan.id}/diff/${plan.id}`],
    ];
    for (const [method, url, body] of planRoutes) {
      const res = await api(stranger, method, url, body);
      expect(res, `${method} ${url}`).toEqual({ status: 404, body: problem(404, 'FIG_NOT_FOUND', `Bonus plan ${plan.id} was not found`) });
    }
    // Their own plan diffed against ours: ours is still invisible.
    const mixed = await api(stranger, 'GET', `/bonus-plans/${mine.id}/diff/${plan.id}`);
    expect(mixed.body).toEqual(problem(404, 'FIG_NOT_FOUND', `Bonus plan ${plan.id} was not found`));
    for (const [method, url, body] of [
      ['GET', `/tenants/${admin.tenantId}/input-catalog`],
      ['POST', `/tenants/${admin.tenantId}/input-catalog`, { key: 'k', label: 'K' }],
      ['GET', `/tenants/${admin.tenantId}/bonus-plans`],
      ['POST', `/tenants/${admin.tenantId}/bonus-plans`, { name: 'x' }],
      ['POST', `/tenants/${admin.tenantId}/bonus-plans/import`, { name: 'x', inputs: [], steps: [{ key: 'a', output: 'a', expr: '1' }] }],
    ] as [string, string, unknown?][]) {
      const res = await api(stranger, method, url, body);
      expect(res, `${method} ${url}`).toEqual({ status: 404, body: problem(404, 'FIG_NOT_FOUND', `Tenant ${admin.tenantId} was not found`) });
    }
    expect((await api(admin, 'GET', `/bonus-plans/${plan.id}`)).body).toEqual({ ...plan, pools: [pool], updatedAt: expect.any(String) });
  });
});
