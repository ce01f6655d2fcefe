import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const cli = (args: string[], input = '') => execFileSync(TSX, ['modules/engine/cli.ts', ...args], { cwd: ROOT, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

describe('engine CLI', () => {
  it('eval answers one JSON line per input line, in order, and survives bad lines', () => {
    const input = [
      '{"expr": "x * 2", "vars": {"x": "1.25"}}',
      'not json',
      '{"expr": "1 / 0"}',
      '{"expr": "1 +"}',
      '{"expr": "x", "vars": {"x": 1.5}}',
      '{"expr": "x * 2", "vars": {"x": "-0.5"}}',
      '[1]',
      '{"expr": "x", "vars": []}',
      '{"expr": "__proto__"}',
      '',
      '{"expr": "-2 ^ 2"}',
    ].join('\n');
    expect(cli(['eval'], input).trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([
      { value: '2.5' },
      { error: 'malformed JSON line' },
      { error: 'division by zero' },
      { error: 'line 1, column 4: expected an expression, found end of input\n1 +\n   ^' },
      { error: "input 'x' must be a decimal string" },
      { value: '-1' },
      { error: 'expected an object with "expr" (string) and optional "vars" (object of decimal strings)' },
      { error: '"vars" must be an object of decimal strings' },
      { error: "missing input '__proto__'" },
      { error: 'empty line' },
      { value: '-4' },
    ]);
  });
  it('eval answers a blank line too, so output line N is always input line N', () => {
    const input = ['', '{"expr": "1 + 1"}', '   ', '', '{"expr": "2 * 3"}', ''].join('\n') + '\n';
    expect(cli(['eval'], input)).toBe(
      ['{"error":"empty line"}', '{"value":"2"}', '{"error":"empty line"}', '{"error":"empty line"}', '{"value":"6"}', '{"error":"empty line"}', ''].join('\n'),
    );
  });
  it('eval streams 100,000 lines', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => JSON.stringify({ expr: `x * 3 + ${i % 7}`, vars: { x: `${i}.5` } }));
    const out = cli(['eval'], lines.join('\n') + '\n').trimEnd().split('\n');
    expect(out.length).toBe(100_000);
    expect(out[0]).toBe('{"value":"1.5"}');
    expect(out[99_999]).toBe(`{"value":"${(99_999 * 3 + 1.5 + (99_999 % 7)).toString()}"}`);
  });
  it('run evaluates a plan over a CSV with every output and an error column', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'engine-cli-'));
    writeFileSync(
      path.join(dir, 'plan.json'),
      JSON.stringify({ inputs: [{ name: 'a' }, { name: 'b' }], steps: [{ key: 'q', output: 'q', expr: 'a / b' }, { key: 'r', output: 'r', expr: 'round2(q)' }] }),
    );
    writeFileSync(path.join(dir, 'rows.csv'), 'id,a,b\n1,1,3\n2,"1,5",1\n3,2,0\n"x ""4""",5,2\n');
    cli(['run', '--plan', path.join(dir, 'plan.json'), '--csv', path.join(dir, 'rows.csv'), '--out', path.join(dir, 'out.csv')]);
    expect(readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe(
      [
        'id,a,b,q,r,error',
        '1,1,3,0.3333333333333333333333333333,0.33,',
        `2,"1,5",1,,,"input 'a' is not a decimal: ""1,5"""`,
        '3,2,0,,,q: division by zero',
        '"x ""4""",5,2,2.5,2.5,',
        '',
      ].join('\r\n'),
    );
  });
  it('run reports plan problems and exits 1', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'engine-cli-'));
    writeFileSync(path.join(dir, 'plan.json'), JSON.stringify({ inputs: [], steps: [{ key: 'q', output: 'q', expr: 'nope' }] }));
    writeFileSync(path.join(dir, 'rows.csv'), 'a\n1\n');
    let stderr = '';
    let status = 0;
    try {
      cli(['run', '--plan', path.join(dir, 'plan.json'), '--csv', path.join(dir, 'rows.csv')]);
    } catch (err) {
      stderr = String((err as { stderr: string }).stderr);
      status = (err as { status: number }).status;
    }
    expect(status).toBe(1);
    expect(stderr).toBe(`${path.join(dir, 'plan.json')}: 1 problem(s)\nstep q, expr, line 1, column 1: unknown name 'nope'\nnope\n^\n`);
  });
});
