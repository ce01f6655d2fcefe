import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { pino } from 'pino';
import { createDb, withTenant, type Db } from '../core/db';
import { AppError } from '../core/errors';
import { createTestDb } from '../../test/helpers';
import { createPlansService, seedDemo, DEMO_TENANT_ID, LEGACY_EQUIVALENT_NAME, type Caller, type PlansService } from './index';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';

let db: Db;
let svc: PlansService;
const me: Caller = { tenantId: T1, actor: 'finance@acme.test' };
const other: Caller = { tenantId: T2, actor: 'someone@globex.test' };

async function rejects(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

/** A small plan with hand-computable results. */
async function samplePlan(caller: Caller = me) {
  const plan = await svc.createPlan(caller, {
    name: 'Sample',
    description: '',
    inputs: ['base_salary', 'target_pct', 'performance_score'].map((name) => ({ name, description: '' })),
    constants: [{ name: 'cap_ratio', value: '1', description: 'cap as a multiple of salary' }],
  });
  const add = (key: string, expr: string) => svc.createStep(caller, plan.id, { key, expr, default: '0', description: '' });
  await add('target', 'base_salary * target_pct');
  await add('mult', 'if(performance_score >= 0.8) then 1.2 else 1');
  await add('raw', 'target * mult');
  await add('bonus', 'round2(min(raw, base_salary * cap_ratio))');
  return plan;
}

beforeAll(async () => {
  db = createDb(await createTestDb(), { max: 4 });
  svc = createPlansService({ db, log: pino({ level: 'silent' }) });
});
afterAll(() => db.destroy());

describe('plans service', () => {
  it('evaluates test vectors with the tape, per-row errors and the pool', async () => {
    const plan = await samplePlan();
    await svc.createPool(me, plan.id, { name: 'Company pool', amount: '15000', column: 'bonus', output: 'pool_bonus', idColumn: 'employee_id', description: '' });
    const res = await svc.evaluatePlan(me, plan.id, {
      rows: [
        { employee_id: 'E1', base_salary: '100000', target_pct: '0.1', performance_score: '0.85' },
        { employee_id: 'E2', base_salary: '50000.50', target_pct: '0.15', performance_score: '0.5' },
        { employee_id: 'E3', base_salary: '1', target_pct: '0.1' },
      ],
    });
    expect(res.rows).toBe(3);
    expect(res.failed).toBe(1);
    expect(res.results[0]).toEqual({
      row: 0,
      ok: true,
      inputs: { base_salary: '100000', target_pct: '0.1', performance_score: '0.85' },
      outputs: { target: '10000', mult: '1.2', raw: '12000', bonus: '12000', pool_bonus: '9230.73' },
      tape: [
        { step: 'target', output: 'target', value: '10000', condition: null },
        { step: 'mult', output: 'mult', value: '1.2', condition: null },
        { step: 'raw', output: 'raw', value: '12000', condition: null },
        { step: 'bonus', output: 'bonus', value: '12000', condition: null },
      ],
    });
    // 7500.075 rounds half-even to 7500.08; the leftover cent goes to the larger remainder (E2).
    expect(res.results[1]).toMatchObject({ ok: true, outputs: { target: '7500.075', bonus: '7500.08', pool_bonus: '5769.27' } });
    expect(res.results[2]).toEqual({ row: 2, ok: false, error: { step: null, message: "missing input 'performance_score'" } });
    expect(res.pools).toEqual([
      { name: 'Company pool', amount: '15000', column: 'bonus', output: 'pool_bonus', total: '19500.08', allocated: '15000', applied: true },
    ]);
  });

  it('locks a valid plan, then refuses edits (API 409 and the database trigger)', async () => {
    const plan = await samplePlan();
    const locked = await svc.lockPlan(me, plan.id);
    expect(locked.status).toBe('locked');
    expect(locked.lockedBy).toBe('finance@acme.test');
    const err = await rejects(svc.patchPlan(me, plan.id, { name: 'x' }));
    expect([err.statusCode, err.code]).toEqual([409, 'PLAN_LOCKED']);

    const stepId = locked.steps[0]!.id;
    const attempts = [
      sql`update comp.plan_steps set expr = '1' where id = ${stepId}`,
      sql`delete from comp.plan_steps where id = ${stepId}`,
      sql`insert into comp.plan_steps (tenant_id, plan_id, position, key, output, expr) values (${T1}, ${plan.id}, 9, 'x', 'x', '1')`,
      sql`update comp.bonus_plans set name = 'rewritten' where id = ${plan.id}`,
      sql`update comp.bonus_plans set status = 'draft', locked_at = null where id = ${plan.id}`,
      sql`delete from comp.bonus_plans where id = ${plan.id}`,
      sql`delete from comp.plan_constants where plan_id = ${plan.id}`,
      sql`update comp.plan_inputs set name = 'y' where plan_id = ${plan.id}`,
    ];
    for (const q of attempts) {
      // As the table owner (no RLS), the trigger still refuses.
      await expect(q.execute(db)).rejects.toMatchObject({ code: 'FIG01' });
    }
    const again = await svc.getPlan(me, plan.id);
    expect(again).toEqual(locked);
  });

  it('refuses to lock an invalid plan and lists every problem with its position', async () => {
    const plan = await svc.createPlan(me, { name: 'Broken', description: '', inputs: [{ name: 'x', description: '' }], constants: [] });
    await svc.createStep(me, plan.id, { key: 'a', expr: 'x +', default: '0', description: '' });
    await svc.createStep(me, plan.id, { key: 'b', expr: 'y * 2', conditionExpr: 'x > 1 > 0', default: '0', description: '' });
    const v = await svc.validatePlan(me, plan.id);
    expect(v.valid).toBe(false);
    expect(v.problems.map((p) => [p.stepKey, p.field, p.line, p.column, p.code])).toEqual([
      ['a', 'expr', 1, 4, 'syntax'],
      ['b', 'expr', 1, 1, 'unknown_name'],
      ['b', 'condition_expr', 1, 7, 'chained_comparison'],
    ]);
    const err = await rejects(svc.lockPlan(me, plan.id));
    expect([err.statusCode, err.code]).toEqual([422, 'PLAN_INVALID']);
    expect(err.extra.problems).toEqual(v.problems);
    expect((await svc.getPlan(me, plan.id)).status).toBe('draft');
  });

  it('starts a new version copying steps and pools, and diffs versions by step key', async () => {
    const plan = await samplePlan();
    await svc.createPool(me, plan.id, { name: 'P', amount: '100.5', column: 'bonus', output: 'pool_bonus', idColumn: 'employee_id', description: '' });
    await svc.lockPlan(me, plan.id);
    const v2 = await svc.startVersion(me, plan.id);
    expect(v2).toMatchObject({ version: 2, status: 'draft', parentId: plan.id, familyId: plan.familyId, name: 'Sample' });
    expect(v2.steps.map((s) => [s.key, s.expr, s.position])).toEqual((await svc.getPlan(me, plan.id)).steps.map((s) => [s.key, s.expr, s.position]));
    expect(v2.pools.map((p) => [p.name, p.amount])).toEqual([['P', '100.5']]);
    expect(v2.constants).toEqual([{ name: 'cap_ratio', value: '1', description: 'cap as a multiple of salary' }]);
    const again = await rejects(svc.startVersion(me, plan.id));
    expect(again.code).toBe('PLAN_DRAFT_EXISTS');

    const mult = v2.steps.find((s) => s.key === 'mult')!;
    await svc.patchStep(me, v2.id, mult.id, { expr: 'if(performance_score >= 0.9) then 1.5 else 1' });
    await svc.deleteStep(me, v2.id, v2.steps.find((s) => s.key === 'raw')!.id);
    await svc.createStep(me, v2.id, { key: 'raw2', expr: 'target * mult', default: '0', description: '' });
    const diff = await svc.diffPlans(me, plan.id, v2.id);
    expect(diff.added.map((a) => a.key)).toEqual(['raw2']);
    expect(diff.removed.map((a) => [a.key, a.before.expr])).toEqual([['raw', 'target * mult']]);
    expect(diff.changed).toEqual([
      {
        key: 'mult',
        fields: ['expr'],
        before: { output: 'mult', expr: 'if(performance_score >= 0.8) then 1.2 else 1', conditionExpr: null, default: '0', position: 1 },
        after: { output: 'mult', expr: 'if(performance_score >= 0.9) then 1.5 else 1', conditionExpr: null, default: '0', position: 1 },
      },
    ]);
    expect(diff.unchanged).toBe(2);
  });

  it('reorders steps and keeps positions dense after insert and delete', async () => {
    const plan = await samplePlan();
    const s = (await svc.listSteps(me, plan.id)).data;
    const reordered = await svc.reorderSteps(me, plan.id, { stepIds: [s[1]!.id, s[0]!.id, s[2]!.id, s[3]!.id] });
    expect(reordered.data.map((x) => [x.key, x.position])).toEqual([['mult', 0], ['target', 1], ['raw', 2], ['bonus', 3]]);
    await svc.createStep(me, plan.id, { key: 'first', expr: '1', default: '0', description: '', position: 0 });
    await svc.deleteStep(me, plan.id, s[2]!.id);
    expect((await svc.listSteps(me, plan.id)).data.map((x) => [x.key, x.position])).toEqual([['first', 0], ['mult', 1], ['target', 2], ['bonus', 3]]);
    const bad = await rejects(svc.reorderSteps(me, plan.id, { stepIds: [s[0]!.id, s[0]!.id] }));
    expect(bad.statusCode).toBe(400);
  });

  it("never shows or changes another tenant's plan", async () => {
    const plan = await samplePlan();
    const attempts = [
      () => svc.getPlan(other, plan.id),
      () => svc.patchPlan(other, plan.id, { name: 'x' }),
      () => svc.lockPlan(other, plan.id),
      () => svc.evaluatePlan(other, plan.id, { rows: [{}] }),
    ];
    for (const attempt of attempts) {
      const err = await rejects(attempt());
      expect([err.statusCode, err.code]).toEqual([404, 'FIG_NOT_FOUND']);
    }
    // RLS: even a raw query in tenant 2's transaction sees none of tenant 1's rows.
    const n = await withTenant(db, T2, (trx) => trx.selectFrom('comp.plan_steps').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow());
    expect(Number(n.n)).toBe(0);
  });

  it('writes an audit event for each change in the same transaction', async () => {
    const before = await withTenant(db, T1, (trx) => trx.selectFrom('audit.events').select('action').execute());
    const plan = await svc.createPlan(me, { name: 'Audited', description: '', inputs: [], constants: [] });
    await svc.createStep(me, plan.id, { key: 'a', expr: '1', default: '0', description: '' });
    await rejects(svc.createStep(me, plan.id, { key: 'a', expr: '2', default: '0', description: '' }));
    const after = await withTenant(db, T1, (trx) => trx.selectFrom('audit.events').select(['action', 'entity_id']).orderBy('seq').execute());
    expect(after.slice(before.length).map((e) => e.action)).toEqual(['plan.create', 'plan.step.create']);
  });

  it('seeds the demo tenant idempotently', async () => {
    const first = await seedDemo(db, DEMO_TENANT_ID);
    const second = await seedDemo(db, DEMO_TENANT_ID);
    expect(first.catalogAdded).toBe(5);
    expect(second).toEqual({ catalogAdded: 0, planCreated: false });
    const demo: Caller = { tenantId: DEMO_TENANT_ID, actor: 'test' };
    const list = await svc.listPlans(demo, { limit: 50 });
    expect(first.planCreated).toBe(true);
    expect(list.data.map((p) => [p.name, p.version, p.status])).toEqual([
      [LEGACY_EQUIVALENT_NAME, 2, 'draft'],
      [LEGACY_EQUIVALENT_NAME, 1, 'locked'],
    ]);
    // Hand-computed with the legacy formula: target 10000 × perf 1.2 × fund 1.03 × band 1.0 = 12360.
    const v1 = list.data[1]!;
    const res = await svc.evaluatePlan(demo, v1.id, {
      rows: [{ base_salary: '100000', target_pct: '0.1', performance_score: '0.85', fund_return: '0.05', revenue: '2000000' }],
    });
    expect(res.results[0]).toMatchObject({
      ok: true,
      outputs: { perf_multiplier: '1.2', fund_factor: '1.03', band_multiplier: '1', target: '10000', raw: '12360', bonus: '12360' },
    });
    expect((await svc.listInputCatalog(demo)).data.map((i) => i.key)).toEqual(['base_salary', 'fund_return', 'performance_score', 'revenue', 'target_pct']);
  });
});
