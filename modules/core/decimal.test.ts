import { describe, expect, it } from 'vitest';
import DecimalBase from 'decimal.js';
import { Decimal, canonicalDecimal, compareDecimals, sumDecimals } from './decimal';

describe('the decimal helper (money outside the engine)', () => {
  const big = '1234567890123456789012345678.1234567891'; // numeric(38,10) at full width

  it('adds numeric(38,10) values exactly, where decimal.js defaults round to 20 digits', () => {
    expect(sumDecimals([big, big, '0.0000000001'])).toBe('2469135780246913578024691356.2469135783');
    expect(new DecimalBase(big).plus(big).toFixed()).not.toBe('2469135780246913578024691356.2469135782');
  });

  it('prints canonical text: plain notation, trailing zeros trimmed, no -0', () => {
    expect(canonicalDecimal('1.5000')).toBe('1.5');
    expect(canonicalDecimal('-0.000')).toBe('0');
    expect(canonicalDecimal('0.0000000001')).toBe('0.0000000001');
    expect(canonicalDecimal(new Decimal('1e30'))).toBe('1000000000000000000000000000000');
    expect(sumDecimals([])).toBe('0');
  });

  it('rounds half-even like the engine and legacy', () => {
    expect(new Decimal('100.025').toDecimalPlaces(2).toFixed()).toBe('100.02');
    expect(new Decimal('100.035').toDecimalPlaces(2).toFixed()).toBe('100.04');
  });

  it('compares exactly', () => {
    expect(compareDecimals('0.10', '0.1')).toBe(0);
    expect(compareDecimals(big, '1234567890123456789012345678.1234567890')).toBe(1);
    expect(compareDecimals('-5', '3')).toBe(-1);
  });
});
