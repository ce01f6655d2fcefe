import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DslCheckError, PlanDefinition, checkPlan, compilePlan, evaluateBatch, evaluateRow, type PlanDefinitionInput } from './index';

const ROOT = path.resolve(import.meta.dirname, '../..');

const plan = (steps: PlanDefinitionInput['steps'], inputs: string[] = ['x'], constants: PlanDefinitionInput['constants'] = []): PlanDefinitionInput => ({
  inputs: inputs.map((name) => ({ name })),
  constants,
  steps,
});

function compileProblems(p: unknown) {
  try {
    compilePlan(p);
  } catch (err) {
    if (err instanceof DslCheckError) return err.problems;
    throw err;
  }
  throw new Error('expected problems');
}

describe('PlanDefinition', () => {
  it('applies defaults: catalog v1, decimal inputs, no constants, default "0"', () => {
    expect(PlanDefinition.parse({ inputs: [{ name: 'x' }], steps: [{ key: 's', output: 'y', expr: 'x' }] })).toEqual({
      catalog_version: 1,
      inputs: [{ name: 'x', type: 'decimal' }],
      constants: [],
      steps: [{ key: 's', output: 'y', expr: 'x', default: '0' }],
    });
  });
  it('reports schema problems with field paths', () => {
    expect(checkPlan({ inputs: [{ name: '1x' }, { name: 'if' }], constants: [{ name: 'c', value: '1e5' }], steps: [] })).toEqual([
      { code: 'invalid_plan', message: 'must be a name: a letter or _ followed by letters, digits or _', field: 'inputs.0.name' },
      { code: 'invalid_plan', message: 'must not be a keyword (if, then, else)', field: 'inputs.1.name' },
      { code: 'invalid_plan', message: 'must be a plain decimal string like "1.25"', field: 'constants.0.value' },
      { code: 'invalid_plan', message: 'Too small: expected array to have >=1 items', field: 'steps' },
    ]);
    expect(checkPlan(null)).toEqual([{ code: 'invalid_plan', message: 'Invalid input: expected object, received null', field: '' }]);
    expect(checkPlan({ inputs: [], steps: [{ key: 's', output: 'y', expr: '1', catalog_version: 2 }], catalog_version: 2 })).toEqual([
      { code: 'invalid_plan', message: 'Invalid input: expected 1', field: 'catalog_version' },
    ]);
  });
});

describe('checkPlan', () => {
  it('accepts the legacy-equivalent seed', () => {
    const seed = JSON.parse(readFileSync(new URL('../plans/seeds/legacy-equivalent.json', import.meta.url), 'utf8'));
    expect(checkPlan(seed)).toEqual([]);
  });
  it('reports every problem of every step at once, with step, field and position', () => {
    const problems = checkPlan(
      plan([
        { key: 'a', output: 'a', expr: 'x + y', condition_expr: 'foo(x)' },
        { key: 'b', output: 'b', expr: '1 +' },
        { key: 'c', output: 'a', expr: '1' },
        { key: 'b', output: 'x', expr: 'constructor' },
      ]),
    );
    expect(problems).toEqual([
      { code: 'duplicate_output', message: "'a' is already declared by step a", field: 'steps.2.output', step: 'c' },
      { code: 'duplicate_key', message: "step key 'b' is used twice", step: 'b', field: 'steps.3.key' },
      { code: 'duplicate_output', message: "'x' is already declared by input 0", field: 'steps.3.output', step: 'b' },
      { code: 'unknown_name', message: "unknown name 'y'", line: 1, column: 5, offset: 4, excerpt: 'x + y\n    ^', step: 'a', field: 'expr' },
      { code: 'unknown_function', message: "unknown function 'foo'", line: 1, column: 1, offset: 0, excerpt: 'foo(x)\n^', step: 'a', field: 'condition_expr' },
      { code: 'syntax', message: 'expected an expression, found end of input', line: 1, column: 4, offset: 3, excerpt: '1 +\n   ^', step: 'b', field: 'expr' },
      { code: 'unknown_name', message: "unknown name 'constructor'", line: 1, column: 1, offset: 0, excerpt: 'constructor\n^', step: 'b', field: 'expr' },
    ]);
  });
  it('reports duplicate names between inputs and constants', () => {
    expect(checkPlan(plan([{ key: 's', output: 'y', expr: 'x' }], ['x', 'x'], [{ name: 'x', value: '1' }]))).toEqual([
      { code: 'duplicate_name', message: "'x' is already declared by input 0", field: 'inputs.1.name' },
      { code: 'duplicate_name', message: "'x' is already declared by input 0", field: 'constants.0.name' },
    ]);
  });
  it('rejects cycles, naming them', () => {
    expect(
      checkPlan(
        plan([
          { key: 's1', output: 'a', expr: 'b + 1' },
          { key: 's2', output: 'b', expr: 'c + x' },
          { key: 's3', output: 'c', expr: 'a', condition_expr: 'x > 0' },
          { key: 's4', output: 'd', expr: 'd * 2' },
          { key: 's5', output: 'e', expr: 'x' },
        ]),
      ),
    ).toEqual([
      { code: 'cycle', message: 'steps depend on each other in a cycle: a -> b -> c -> a', step: 's1', field: 'expr' },
      { code: 'cycle', message: 'steps depend on each other in a cycle: d -> d', step: 's4', field: 'expr' },
    ]);
  });
  it('finds a cycle through a condition', () => {
    expect(checkPlan(plan([{ key: 's1', output: 'a', expr: '1', condition_expr: 'b' }, { key: 's2', output: 'b', expr: 'a' }])).map((p) => p.message)).toEqual([
      'steps depend on each other in a cycle: a -> b -> a',
    ]);
  });
});

describe('compilePlan and evaluateBatch', () => {
  it('throws DslCheckError with every problem', () => {
    expect(compileProblems(plan([{ key: 'a', output: 'a', expr: 'q' }, { key: 'b', output: 'b', expr: 'r' }])).map((p) => p.message)).toEqual([
      "unknown name 'q'",
      "unknown name 'r'",
    ]);
  });
  it('evaluates in dependency order whatever the declared order, with a full tape', () => {
    const compiled = compilePlan(
      plan(
        [
          { key: 'total', output: 'total', expr: 'part * rate' },
          { key: 'part', output: 'part', expr: 'x / 4', condition_expr: 'x > 0', default: '-1' },
          { key: 'flag', output: 'flag', expr: 'total > 1' },
        ],
        ['x', 'unused'],
        [{ name: 'rate', value: '3' }],
      ),
    );
    expect(compiled.steps.map((s) => s.key)).toEqual(['part', 'total', 'flag']);
    expect(compiled.inputs.map((i) => i.name)).toEqual(['x']);
    expect(evaluateBatch(compiled, [{ x: '2' }, { x: '-2.50' }])).toEqual([
      {
        ok: true,
        outputs: { part: '0.5', total: '1.5', flag: '1' },
        tape: {
          inputs: { x: '2' },
          steps: [
            { key: 'part', output: 'part', value: '0.5', condition: true },
            { key: 'total', output: 'total', value: '1.5', condition: null },
            { key: 'flag', output: 'flag', value: '1', condition: null },
          ],
        },
      },
      {
        ok: true,
        outputs: { part: '-1', total: '-3', flag: '0' },
        tape: {
          inputs: { x: '-2.5' },
          steps: [
            { key: 'part', output: 'part', value: '-1', condition: false },
            { key: 'total', output: 'total', value: '-3', condition: null },
            { key: 'flag', output: 'flag', value: '0', condition: null },
          ],
        },
      },
    ]);
  });
  it('does not evaluate the expression of a step whose condition is 0', () => {
    const compiled = compilePlan(plan([{ key: 'safe', output: 'q', expr: '1 / x', condition_expr: 'x != 0' }]));
    expect(evaluateBatch(compiled, [{ x: '0' }, { x: '4' }], { tape: false })).toEqual([
      { ok: true, outputs: { q: '0' } },
      { ok: true, outputs: { q: '0.25' } },
    ]);
  });
  it('reports a failing row with its step and keeps going', () => {
    const compiled = compilePlan(plan([{ key: 'inv', output: 'q', expr: '1 / x' }, { key: 'chg', output: 'c', expr: 'pct_change(2, x - 1)' }]));
    expect(evaluateBatch(compiled, [{ x: '0' }, { x: '1' }, { x: '2' }, { x: 'two' }, {}, { x: '' }, { x: 2 as unknown as string }], { tape: false })).toEqual([
      { ok: false, error: { step: 'inv', message: 'division by zero' } },
      { ok: false, error: { step: 'chg', message: 'pct_change: previous value is 0' } },
      { ok: true, outputs: { q: '0.5', c: '1' } },
      { ok: false, error: { step: null, message: 'input \'x\' is not a decimal: "two"' } },
      { ok: false, error: { step: null, message: "missing input 'x'" } },
      { ok: false, error: { step: null, message: "missing input 'x'" } },
      { ok: false, error: { step: null, message: "input 'x' must be a decimal string" } },
    ]);
  });
  it('reads inputs only from own properties or a Map, never the prototype', () => {
    const compiled = compilePlan(plan([{ key: 's', output: 'y', expr: 'toString + 1' }], ['toString']));
    expect(evaluateRow(compiled, {}, { tape: false })).toEqual({ ok: false, error: { step: null, message: "missing input 'toString'" } });
    expect(evaluateRow(compiled, { toString: '1' }, { tape: false })).toEqual({ ok: true, outputs: { y: '2' } });
    expect(evaluateRow(compiled, new Map([['toString', '2']]), { tape: false })).toEqual({ ok: true, outputs: { y: '3' } });
  });
  it('allows __proto__ as a declared name without touching prototypes', () => {
    const compiled = compilePlan(plan([{ key: 's', output: '__proto__', expr: 'constructor * 2' }], ['constructor']));
    const row = JSON.parse('{"constructor": "21"}');
    const result = evaluateRow(compiled, row);
    expect(result.ok && Object.getOwnPropertyDescriptor(result.outputs, '__proto__')?.value).toBe('42');
    expect(result.ok && result.tape?.inputs.constructor).toBe('21');
  });
  it('builds each row\'s outputs as own data properties in evaluation order, also with code generation disabled', () => {
    const source = `
      import { compilePlan, evaluateBatch } from './modules/engine/index';
      const p = compilePlan({ inputs: [{ name: 'a' }], steps: [
        { key: 'y', output: 'constructor', expr: '__proto__ * 2' },
        { key: 'x', output: '__proto__', expr: 'a + 1' },
        { key: 'z', output: 'toString', expr: 'constructor - 1' },
      ] });
      const [r] = evaluateBatch(p, [{ a: '1' }], { tape: false });
      const o = r.outputs;
      process.stdout.write(JSON.stringify({ r, keys: Object.keys(o), plain: Object.getPrototypeOf(o) === Object.prototype,
        descriptors: Object.keys(o).map((k) => Object.getOwnPropertyDescriptor(o, k)) }));`;
    const run = (flags: string[]) =>
      JSON.parse(execFileSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', source], { cwd: ROOT, encoding: 'utf8' })) as unknown;
    // Parsed from JSON so "__proto__" is an own key here too (a literal would set the prototype).
    const want = JSON.parse(`{
      "r": { "ok": true, "outputs": { "__proto__": "2", "constructor": "4", "toString": "3" } },
      "keys": ["__proto__", "constructor", "toString"],
      "plain": true,
      "descriptors": [${['2', '4', '3'].map((v) => `{ "value": "${v}", "enumerable": true, "writable": true, "configurable": true }`).join(', ')}]
    }`) as unknown;
    expect(run([])).toEqual(want);
    expect(run(['--disallow-code-generation-from-strings'])).toEqual(run([]));
  });
  it('refuses input cells longer than 200 characters', () => {
    const compiled = compilePlan(plan([{ key: 's', output: 'y', expr: 'x' }]));
    expect(evaluateRow(compiled, { x: '1'.repeat(201) })).toEqual({ ok: false, error: { step: null, message: `input 'x' is not a decimal: "${'1'.repeat(40)}"` } });
  });
});
