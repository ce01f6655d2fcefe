/**
 * How a spreadsheet cell reads as a number: the rule lives in modules/core/cell-number.ts (shared
 * with the runs pipeline, which maps rows in its threads, ADR 0029); storage.to_decimal (migration
 * 0082) mirrors it and a test holds them equal.
 */
export { cellDecimal, isCellNumber, readCellNumber } from '../../core/cell-number';
