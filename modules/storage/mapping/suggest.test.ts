import { describe, expect, it } from 'vitest';
import { loadCorpus, measureCorpus, targetsFor } from './corpus';
import { normalise } from './normalise';
import { readNumber } from './sniff';
import { suggestMapping } from './suggest';

const LEGACY = [
  { name: 'base_salary', type: 'money' },
  { name: 'target_pct', type: 'percent' },
  { name: 'performance_score', type: 'decimal' },
  { name: 'fund_return', type: 'percent' },
  { name: 'revenue', type: 'money' },
];

describe('column mapping suggestions', () => {
  it('maps at least 90 % of the columns of the committed corpus of ≥ 30 header sets correctly', () => {
    const cases = loadCorpus();
    expect(cases.length).toBeGreaterThanOrEqual(30);
    const result = measureCorpus(cases);
    expect(result.columns).toBeGreaterThan(200);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('normalises case, punctuation, units, fiscal-year labels and abbreviations', () => {
    expect(normalise('FY24 Base Sal. (EUR)')).toBe('base salary');
    expect(normalise('employeeId')).toBe('employee id');
    expect(normalise('Target %')).toBe('target percent');
    expect(normalise('Emp #')).toBe('employee number');
  });

  it('reads numbers with currency signs, separators and percent signs', () => {
    expect(readNumber('$85,000.50')).toBe(85000.5);
    expect(readNumber('12.5%')).toBe(0.125);
    expect(readNumber('-0.02')).toBe(-0.02);
    expect(readNumber('abc')).toBeUndefined();
    expect(readNumber('2019-04-01')).toBeUndefined();
  });

  it('lets the values decide between two similar names: a money column is not a percentage', () => {
    const out = suggestMapping(
      [
        { column: 'Bonus target amount', samples: ['8500', '12000', '9000'] },
        { column: 'Bonus target', samples: ['10%', '12%', '15%'] },
      ],
      targetsFor(LEGACY),
    );
    expect(out.map((c) => c.target)).toEqual([null, 'target_pct']);
    expect(out[1]!.confidence).toBe(1);
  });

  it('never gives one target to two columns, and leaves unrelated columns unmapped', () => {
    const out = suggestMapping(
      [
        { column: 'Salary', samples: ['50000'] },
        { column: 'Base salary', samples: ['50000'] },
        { column: 'Favourite colour', samples: ['blue'] },
      ],
      targetsFor(LEGACY),
    );
    expect(out.filter((c) => c.target === 'base_salary')).toHaveLength(1);
    expect(out.map((c) => c.target).sort()).toEqual(['base_salary', null, null]);
    expect(out.find((c) => c.column === 'Favourite colour')).toMatchObject({ target: null, confidence: 0 });
  });
});
