import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../../test/helpers';
import { cellDecimal, readCellNumber } from './number-format';
import { profile, typeFit } from './sniff';

/** Cell → canonical decimal (null: not a number), the one rule of sniffing and of storage.to_decimal. */
const CASES: [string, string | null][] = [
  ['1.234,56', '1234.56'],
  ['1,234.56', '1234.56'],
  ['€ 1.234.567,5', '1234567.5'],
  ['$1,234,567.50', '1234567.5'],
  ['12,5', '12.5'],
  ['0,075', '0.075'],
  ['1234,56', '1234.56'],
  ['1,234', '1234'],
  ['1.234.567', '1234567'],
  ['1.234', '1.234'],
  ['1 234,56', '1234.56'],
  ["1'234.50", '1234.5'],
  ['12,5%', '0.125'],
  ['-1.234,5', '-1234.5'],
  ['1,23,456', '123456'],
  ['85000', '85000'],
  ['abc', null],
  ['1,2,3', null],
  ['1.23.4', null],
  ['1.234,5.6', null],
  ['2019-04-01', null],
  ['01.02.2020', null],
  // Canonical text (the run's threads map cells with cellDecimal; storage.to_decimal must agree).
  ['007.50', '7.5'],
  ['-0', '0'],
  ['-0.000', '0'],
  ['+5', '5'],
  ['.5', '0.5'],
  ['5.', '5'],
  ['100%', '1'],
  ['0.5%', '0.005'],
  ['-12.5%', '-0.125'],
  ['  42  ', '42'],
  ['0', '0'],
  ['123456789012345678901234567890.12345678901234567890', '123456789012345678901234567890.1234567890123456789'],
  ['', null],
  ['-', null],
];

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildTestApp());
}, 60_000);
afterAll(() => app?.close());

describe('numbers in cells: decimal commas and thousands separators', () => {
  it('sniffing reads each cell as the rule says', () => {
    for (const [cell, want] of CASES) {
      const n = readCellNumber(cell);
      expect([cell, n === undefined ? n : n + 0]).toEqual([cell, want === null ? undefined : Number(want)]);
    }
  });

  it('storage.to_decimal (the validation SQL) and cellDecimal (the run threads) read each cell the same, exactly', async () => {
    for (const [cell, want] of CASES) {
      expect([cell, cellDecimal(cell)]).toEqual([cell, want]);
      const { rows } = await sql<{ v: string | null }>`select storage.to_decimal(${cell}) as v`.execute(
        app.db,
      );
      expect([cell, rows[0]!.v]).toEqual([cell, want]);
    }
  });

  it('a column of European amounts is typed as money', () => {
    const p = profile(['1.234,56', '85.000,00', '120.500,10', '99.999,99']);
    expect(p.numeric).toBe(1);
    expect(typeFit('money', p)).toBe(1);
  });
});
