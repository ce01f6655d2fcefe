import { describe, expect, it } from 'vitest';
import { diffJson } from './diff';
import { compileGlob, formatPath } from './path';

describe('formatPath / compileGlob', () => {
  it('renders keys, odd keys, indices and keyed elements', () => {
    expect(formatPath([])).toBe('$');
    expect(formatPath(['items', 3, 'name'])).toBe('$.items[3].name');
    expect(formatPath(['odd key', 'a.b'])).toBe('$["odd key"]["a.b"]');
    expect(formatPath(['rows', { by: 'employee_id', value: 'E1' }, 'bonus'])).toBe(
      '$.rows[employee_id="E1"].bonus',
    );
  });

  it('matches one-segment and any-depth wildcards', () => {
    const g = compileGlob('$.items[*].created_at');
    expect(g.matches(['items', 0, 'created_at'])).toBe(true);
    expect(g.matches(['items', { by: 'id', value: '7' }, 'created_at'])).toBe(true);
    expect(g.matches(['items', 'created_at'])).toBe(false);
    expect(g.matches(['items', 0, 1, 'created_at'])).toBe(false);
    const deep = compileGlob('$..id');
    expect(deep.matches(['id'])).toBe(true);
    expect(deep.matches(['a', 2, 'b', 'id'])).toBe(true);
    expect(deep.matches(['a', 'idx'])).toBe(false);
    expect(compileGlob('$.a.**.z').matches(['a', 'z'])).toBe(true);
    expect(compileGlob('$.a.*').matches(['a', 'k'])).toBe(true);
    expect(compileGlob('$["odd key"][2]').matches(['odd key', 2])).toBe(true);
    expect(compileGlob('$["odd key"][2]').matches(['odd key', 3])).toBe(false);
  });

  it('refuses malformed globs', () => {
    expect(() => compileGlob('items')).toThrow(/must start with \$/);
    expect(() => compileGlob('$.a[')).toThrow(/bad path glob/);
    expect(() => compileGlob('$.a[x]')).toThrow(/bad path glob/);
  });
});

describe('diffJson', () => {
  it('finds nothing in equal documents', () => {
    const doc = { a: 1, b: ['x', { c: null }], d: true };
    expect(diffJson(doc, structuredClone(doc))).toEqual({
      equal: true,
      withinTolerance: true,
      failing: 0,
      maxMoneyDiff: '0',
      differences: [],
      truncated: false,
    });
  });

  it('reports changed, missing, extra and type differences by path', () => {
    const r = diffJson(
      { name: 'a', gone: 1, list: [1, 2, 3], nested: { t: 'x' }, flag: true },
      { name: 'b', added: 2, list: [1, 2], nested: ['x'], flag: false },
    );
    expect(r.differences).toEqual([
      { path: '$.added', kind: 'extra', right: 2 },
      { path: '$.flag', kind: 'changed', left: true, right: false },
      { path: '$.gone', kind: 'missing', left: 1 },
      { path: '$.list[2]', kind: 'missing', left: 3 },
      { path: '$.name', kind: 'changed', left: 'a', right: 'b' },
      { path: '$.nested', kind: 'type', left: { t: 'x' }, right: ['x'] },
    ]);
    expect(r.equal).toBe(false);
    expect(r.failing).toBe(6);
  });

  it('treats string vs number and null vs value as type differences', () => {
    expect(diffJson({ a: '1' }, { a: 1 }).differences).toEqual([
      { path: '$.a', kind: 'type', left: '1', right: 1 },
    ]);
    expect(diffJson({ a: null }, { a: 0 }).differences).toEqual([
      { path: '$.a', kind: 'type', left: null, right: 0 },
    ]);
  });

  it('compares numeric strings and numbers as money, exactly, with a tolerance', () => {
    const r = diffJson(
      { same: '1.50', cent: '100.02', over: '10.00', num: 0.1, big: '123456789012345678901234567.01' },
      { same: '1.5', cent: '100.03', over: '10.02', num: 0.11, big: '123456789012345678901234567.02' },
    );
    expect(r.differences).toEqual([
      {
        path: '$.big',
        kind: 'money',
        left: '123456789012345678901234567.01',
        right: '123456789012345678901234567.02',
        absDiff: '0.01',
        withinTolerance: true,
      },
      {
        path: '$.cent',
        kind: 'money',
        left: '100.02',
        right: '100.03',
        absDiff: '0.01',
        withinTolerance: true,
      },
      { path: '$.num', kind: 'money', left: 0.1, right: 0.11, absDiff: '0.01', withinTolerance: true },
      {
        path: '$.over',
        kind: 'money',
        left: '10.00',
        right: '10.02',
        absDiff: '0.02',
        withinTolerance: false,
      },
    ]);
    expect(r.failing).toBe(1);
    expect(r.withinTolerance).toBe(false);
    expect(r.maxMoneyDiff).toBe('0.02');
  });

  it('uses a custom tolerance and passes when every difference is within it', () => {
    const r = diffJson({ a: '10' }, { a: '10.5' }, { moneyTolerance: '0.5' });
    expect(r.equal).toBe(false);
    expect(r.withinTolerance).toBe(true);
    expect(r.differences[0]).toMatchObject({ kind: 'money', absDiff: '0.5', withinTolerance: true });
    expect(diffJson({ a: '10' }, { a: '10.001' }, { moneyTolerance: 0 }).withinTolerance).toBe(false);
  });

  it('restricts money comparison to moneyPaths', () => {
    const r = diffJson(
      { amount: '1.00', code: '007' },
      { amount: '1.0', code: '7' },
      { moneyPaths: ['$.amount'] },
    );
    expect(r.differences).toEqual([{ path: '$.code', kind: 'changed', left: '007', right: '7' }]);
  });

  it('skips ignored paths on both sides, with wildcards', () => {
    const r = diffJson(
      {
        items: [
          { id: 1, created_at: 'x' },
          { id: 2, created_at: 'y' },
        ],
        request_id: 'a',
        meta: { deep: { request_id: 'b' } },
      },
      { items: [{ id: 1, created_at: 'z' }, { id: 2 }], meta: { deep: { request_id: 'c' } } },
      { ignore: ['$.items[*].created_at', '$..request_id'] },
    );
    expect(r.equal).toBe(true);
  });

  it('matches order-insensitive arrays by key and reports missing and extra elements', () => {
    const r = diffJson(
      {
        rows: [
          { id: 'a', v: '1' },
          { id: 'b', v: '2' },
          { id: 'c', v: '3' },
        ],
      },
      {
        rows: [
          { id: 'd', v: '4' },
          { id: 'b', v: '2.5' },
          { id: 'a', v: '1' },
        ],
      },
      { arrayKeys: { '$.rows': 'id' } },
    );
    expect(r.differences).toEqual([
      {
        path: '$.rows[id="b"].v',
        kind: 'money',
        left: '2',
        right: '2.5',
        absDiff: '0.5',
        withinTolerance: false,
      },
      { path: '$.rows[id="c"]', kind: 'missing', left: { id: 'c', v: '3' } },
      { path: '$.rows[id="d"]', kind: 'extra', right: { id: 'd', v: '4' } },
    ]);
  });

  it('keeps duplicate and key-less elements apart in keyed arrays', () => {
    const r = diffJson(
      { rows: [{ id: 1 }, { id: 1 }, { x: 1 }] },
      { rows: [{ id: 1 }, { x: 1 }] },
      { arrayKeys: { '$.rows': 'id' } },
    );
    expect(r.differences.map((d) => [d.path, d.kind])).toEqual([
      ['$.rows[id="1#2"]', 'missing'],
      ['$.rows[2]', 'missing'],
      ['$.rows[1]', 'extra'],
    ]);
  });

  it('maps legacy ids to new ids at id paths, including array keys', () => {
    const ids: Record<string, string> = { '17': 'uuid-17', '18': 'uuid-18' };
    const seen: string[] = [];
    const r = diffJson(
      { invoice: { id: 17, customer_id: 18 }, lines: [{ id: 17, amt: '1' }] },
      { invoice: { id: 'uuid-17', customer_id: 'uuid-18' }, lines: [{ id: 'uuid-17', amt: '1' }] },
      {
        idPaths: ['$..id', '$..customer_id'],
        arrayKeys: { '$.lines': 'id' },
        mapId: (v, path) => {
          seen.push(path);
          return ids[String(v)];
        },
      },
    );
    expect(r.differences).toEqual([]);
    expect(seen).toContain('$.invoice.customer_id');
    // Unknown ids are compared as they are.
    const miss = diffJson({ id: 99 }, { id: 'uuid-99' }, { idPaths: ['$.id'], mapId: () => undefined });
    expect(miss.differences).toEqual([{ path: '$.id', kind: 'type', left: 99, right: 'uuid-99' }]);
  });

  it('caps the number of recorded differences but keeps counting', () => {
    const r = diffJson({ a: [1, 2, 3, 4] }, { a: [5, 6, 7, 8] }, { maxDifferences: 2 });
    expect(r.differences).toHaveLength(2);
    expect(r.truncated).toBe(true);
    expect(r.failing).toBe(4);
  });
});
