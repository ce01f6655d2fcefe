/**
 * The cost budget: a static worst-case estimate per row refused at validation, with the step
 * that crosses the limit, and a run-time meter that stops an evaluation past its budget.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_EVALUATION_BUDGET, DslBudgetError, MAX_ROW_COST, checkPlan, compilePlan, evaluateBatch } from './index';

const L = '3.14159265358979323846264338327950288419'; // 39 digits
const hostile = Array.from({ length: 60 }, () => `${L} ^ 1000`).join(' + ');
const plan = (steps: { key: string; expr: string }[]) => ({ inputs: [{ name: 'x' }], steps: steps.map((s) => ({ ...s, output: `o_${s.key}` })) });

describe('static cost (validation)', () => {
  it('prices a ^ at 28,000 and any other operation at 28 digit-operations, worst case over branches', () => {
    expect(compilePlan(plan([{ key: 'a', expr: 'x + 1' }])).rowCost).toBe(28);
    expect(compilePlan(plan([{ key: 'a', expr: 'x ^ 2 * 3' }])).rowCost).toBe(28_028);
    expect(compilePlan(plan([{ key: 'a', expr: 'if (x > 1) then x ^ 2 else max(x, 1, 2)' }])).rowCost).toBe(28 + 28 + 28_000 + 84);
    expect(compilePlan(plan([{ key: 'a', expr: hostile }])).rowCost).toBe(60 * 28_000 + 59 * 28);
  });
  it('refuses a plan whose worst case per row exceeds the limit, at the step that crosses it', () => {
    const heavy = Array.from({ length: 100 }, () => 'x ^ 2').join(' + '); // 2,802,772
    expect(checkPlan(plan([{ key: 'a', expr: 'x + 1' }, { key: 'b', expr: heavy }]))).toEqual([]);
    expect(checkPlan(plan([{ key: 'a', expr: 'x + 1' }, { key: 'b', expr: heavy }, { key: 'c', expr: heavy }]))).toEqual([
      {
        code: 'too_expensive',
        message: `the plan may cost more than ${MAX_ROW_COST} digit-operations per row by this step (this step: 2802772; a ^ costs 28000, any other operation 28); split the work or use fewer powers`,
        step: 'c',
        field: 'expr',
      },
    ]);
  });
});

describe('run-time budget', () => {
  it('stops the hostile 60 × L^1000 step once 1,000 rows would exceed the default budget', () => {
    const compiled = compilePlan(plan([{ key: 'h', expr: hostile }]));
    const rows = Array.from({ length: 1000 }, () => ({ x: '1' }));
    // 1,681,652 per row plus ~500 digits of result: the budget is spent during row 297.
    expect(() => evaluateBatch(compiled, rows, { tape: false, budget: DEFAULT_EVALUATION_BUDGET })).toThrow(new DslBudgetError(DEFAULT_EVALUATION_BUDGET, 297, 'h'));
    expect(evaluateBatch(compiled, rows.slice(0, 297), { tape: false, budget: DEFAULT_EVALUATION_BUDGET })).toHaveLength(297);
  });
  it('charges the digits of each result, so million-digit values stop early', () => {
    const compiled = compilePlan(plan([{ key: 'huge', expr: 'x ^ 999' }]));
    const rows = [{ x: '1e1000' }, { x: '1e1000' }, { x: '1e1000' }];
    let err: unknown;
    try {
      evaluateBatch(compiled, rows, { tape: false, budget: 1_500_000 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DslBudgetError);
    expect((err as DslBudgetError).message).toBe('evaluation stopped at row 1, step huge: it exceeded its cost budget of 1500000 digit-operations');
    expect(evaluateBatch(compiled, rows, { tape: false })).toHaveLength(3);
  });
});

describe('plan size', () => {
  it('refuses a plan whose expressions total more than 100,000 characters before parsing them', () => {
    const expr = Array.from({ length: 1600 }, () => 'x ^ 2').join('+').slice(0, 9990);
    const steps = Array.from({ length: 500 }, (_, i) => ({ key: `s${i}`, expr }));
    const t0 = performance.now();
    expect(checkPlan(plan(steps))).toEqual([{ code: 'invalid_plan', message: "the plan's expressions and conditions may total at most 100000 characters", field: 'steps' }]);
    // Parsing 5,000,000 characters took seconds; the schema refuses them without parsing.
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(checkPlan(plan(Array.from({ length: 10 }, (_, i) => ({ key: `s${i}`, expr: 'x + 1' }))))).toEqual([]);
  });
});
