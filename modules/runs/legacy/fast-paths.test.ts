import { describe, expect, it } from 'vitest';
import { canonicalDecimal } from '../../core/decimal';
import { JsonDecodeError, JsonNumber, parseExactJson, parseExactText } from './exact-json';
import { canonicalPlainDecimal, Problems, strField } from './pydantic';

/** The calculate path's shortcuts (ADR 0024) give exactly what the exact code gives. */
describe('legacy body fast paths', () => {
  const docs = [
    '{"employees":[{"employee_id":"E1","base_salary":"100000.50","name":"\\u00e9\\ud83d\\ude00 \\"q\\""}],"bands":null,"x":true}',
    '{"a":"1","a":"2","__proto__":"p"}',
    '[[],{},"",null,false]',
    ' \t\n"s" ',
  ];
  it('takes number-free documents from JSON.parse with the exact parser\'s values', () => {
    for (const d of docs) expect(parseExactJson(Buffer.from(d))).toEqual(parseExactText(d));
    const dup = parseExactJson(Buffer.from(docs[1]!)) as Record<string, unknown>;
    expect(Object.keys(dup)).toEqual(['a', '__proto__']);
    expect(dup.a).toBe('2');
  });

  it('keeps number tokens and Python errors through the exact parser', () => {
    const v = parseExactJson(Buffer.from('{"pool_amount": 1.50, "n": [1e3]}')) as Record<string, unknown>;
    expect(v.pool_amount).toEqual(new JsonNumber('1.50', false));
    expect((v.n as unknown[])[0]).toEqual(new JsonNumber('1e3', false));
    expect(() => parseExactJson(Buffer.from('{"a": }'))).toThrow(JsonDecodeError);
    try {
      parseExactJson(Buffer.from('{"a": }'));
    } catch (err) {
      expect((err as JsonDecodeError).message).toBe('Expecting value: line 1 column 7 (char 6)');
    }
  });

  it('canonicalises plain decimals like canonicalDecimal', () => {
    const cases = ['0', '-0', '-0.000', '007', '0.50', '-12.3400', '100', '1.0', '-0.5', '000.000100', '123456789012345678901234567890.000000000000000000001'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 2000; i++) {
      const digits = (n: number) => Array.from({ length: 1 + (next() % n) }, () => '0001234567890'[next() % 13]).join('');
      cases.push(`${next() % 3 === 0 ? '-' : ''}${digits(8)}${next() % 2 ? `.${digits(8)}` : ''}`);
    }
    for (const c of cases) expect(canonicalPlainDecimal(c)).toBe(canonicalDecimal(c));
  });

  it('counts string lengths in code points at the bounds', () => {
    const p = new Problems();
    expect(strField('😀'.repeat(200), ['x'], p, { min: 1, max: 200 })).toBe('😀'.repeat(200));
    expect(strField('😀'.repeat(201), ['x'], p, { max: 200 })).toBeUndefined();
    expect(strField('😀', ['x'], p, { min: 1 })).toBe('😀');
    expect(p.list.map((d) => d.type)).toEqual(['value_error.any_str.max_length']);
  });
});
