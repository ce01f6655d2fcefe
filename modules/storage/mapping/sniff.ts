import { readCellNumber } from './number-format';

/** What a column's sample values look like. */
export interface ValueProfile {
  /** Share of non-empty samples that read as numbers (after removing currency, separators, %). */
  numeric: number;
  /** Share of non-empty samples written with a % sign. */
  percentSign: number;
  /** Share of numeric samples between 0 and 1.5 (fractions: rates, scores). */
  fraction: number;
  /** Median magnitude of the numeric samples (0 when none). */
  magnitude: number;
  /** Share of samples that are distinct. */
  distinct: number;
  /** Share of samples with a letter and a space (names). */
  wordy: number;
  /** Share of samples that are dates. */
  date: number;
  filled: number;
}

/** A cell as a number, or undefined: currency signs, thousands separators, decimal commas and % accepted (number-format.ts). */
export const readNumber = readCellNumber;

/** Profile a column from its sample values. */
export function profile(samples: string[]): ValueProfile {
  const filled = samples.map((s) => s.trim()).filter(Boolean);
  const n = filled.length || 1;
  const nums = filled.map(readNumber).filter((x): x is number => x !== undefined);
  const sorted = nums.map(Math.abs).sort((a, b) => a - b);
  return {
    numeric: nums.length / n,
    percentSign: filled.filter((s) => s.endsWith('%')).length / n,
    fraction: nums.length ? nums.filter((x) => x >= 0 && x <= 1.5).length / nums.length : 0,
    magnitude: sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0,
    distinct: new Set(filled).size / n,
    wordy: filled.filter((s) => /[a-z]/i.test(s) && /\s/.test(s)).length / n,
    date: filled.filter((s) => /^\d{4}-\d{2}-\d{2}|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$/.test(s)).length / n,
    filled: filled.length / (samples.length || 1),
  };
}

/** The kind of values a target expects. */
export type TargetKind = 'id' | 'text' | 'money' | 'fraction' | 'decimal';

/** How well a column's values fit a target kind, 0..1 (1 = typical, 0 = impossible). */
export function typeFit(kind: TargetKind, p: ValueProfile): number {
  if (p.filled === 0) return 0.5;
  switch (kind) {
    case 'id':
      return p.date > 0.5 ? 0 : p.distinct >= 0.95 ? (p.wordy > 0.5 ? 0.3 : 1) : 0.2;
    case 'text':
      return p.numeric > 0.5 || p.date > 0.5 ? 0.1 : 1;
    case 'money':
      return p.numeric < 0.8 ? 0.05 : p.fraction > 0.8 && p.magnitude < 2 ? 0.3 : 1;
    case 'fraction':
      return p.numeric < 0.8 ? 0.05 : p.percentSign > 0.5 || p.fraction > 0.8 || p.magnitude <= 100 ? 1 : 0.2;
    case 'decimal':
      return p.numeric < 0.8 ? 0.05 : 1;
  }
}
