import { DslEvaluationError } from '../problems';
import { ZERO, abs, ceil, cmp, div, floor, isZero, quantize, sub, type Num } from '../num';
import { parsePlain, smallInteger } from '../num-text';

/** Version of the function catalog; recorded with every plan so old plans keep their meaning. */
export const CATALOG_VERSION = 1;

/** Documentation of one function, for docs and the editor's autocomplete. */
export interface FunctionDoc {
  name: string;
  signature: string;
  description: string;
  example: string;
  /** Canonical result of `example`. */
  result: string;
  minArgs: number;
  /** null = any number of arguments from minArgs. */
  maxArgs: number | null;
}

export interface FunctionSpec extends FunctionDoc {
  impl: (args: Num[]) => Num;
}

const HUNDRED_PLACES = 2;
const HUNDRED = parsePlain('100');
const lt = (a: Num, b: Num) => cmp(a, b) < 0;

// Selection functions (min, max, clip, cap_floor, hurdle) return one of their arguments unchanged,
// as Python's builtin min/max do; arithmetic ones round to 28 significant digits.
const SPECS: FunctionSpec[] = [
  {
    name: 'min', signature: 'min(a, b, ...)', description: 'The smallest of two or more values (the first one on ties).',
    example: 'min(3, 1.5, 2)', result: '1.5', minArgs: 2, maxArgs: null,
    impl: (a) => a.reduce((m, x) => (lt(x, m) ? x : m)),
  },
  {
    name: 'max', signature: 'max(a, b, ...)', description: 'The largest of two or more values (the first one on ties).',
    example: 'max(3, 1.5, 2)', result: '3', minArgs: 2, maxArgs: null,
    impl: (a) => a.reduce((m, x) => (lt(m, x) ? x : m)),
  },
  {
    name: 'round2', signature: 'round2(x)', description: 'x rounded half-even to 2 decimal places (0.125 → 0.12, 0.135 → 0.14).',
    example: 'round2(2.675)', result: '2.68', minArgs: 1, maxArgs: 1,
    impl: ([x]) => quantize(x as Num, HUNDRED_PLACES, 'round2'),
  },
  {
    name: 'round', signature: 'round(x, dp)', description: 'x rounded half-even to dp decimal places; dp is a whole number from 0 to 28.',
    example: 'round(2.5, 0)', result: '2', minArgs: 2, maxArgs: 2,
    impl: ([x, dp]) => {
      const places = smallInteger(dp as Num, 0, 28);
      if (places === undefined) throw new DslEvaluationError('round: dp must be a whole number from 0 to 28');
      return quantize(x as Num, places, 'round');
    },
  },
  {
    name: 'clip', signature: 'clip(x, lo, hi)', description: 'x limited to the range: min(max(x, lo), hi) (hi wins if lo > hi).',
    example: 'clip(1.7, 0, 1.5)', result: '1.5', minArgs: 3, maxArgs: 3,
    impl: ([x, lo, hi]) => {
      const m = lt(x as Num, lo as Num) ? (lo as Num) : (x as Num);
      return lt(hi as Num, m) ? (hi as Num) : m;
    },
  },
  {
    name: 'hurdle', signature: 'hurdle(perf, rate)', description: '0 when perf < rate, else perf.',
    example: 'hurdle(0.05, 0.02)', result: '0.05', minArgs: 2, maxArgs: 2,
    impl: ([perf, rate]) => (lt(perf as Num, rate as Num) ? ZERO : (perf as Num)),
  },
  {
    name: 'pct', signature: 'pct(x)', description: 'x percent as a fraction: x / 100.',
    example: 'pct(12.5)', result: '0.125', minArgs: 1, maxArgs: 1,
    impl: ([x]) => div(x as Num, HUNDRED),
  },
  {
    name: 'pct_change', signature: 'pct_change(cur, prev)', description: 'Relative change (cur - prev) / prev; an error when prev is 0.',
    example: 'pct_change(110, 100)', result: '0.1', minArgs: 2, maxArgs: 2,
    impl: ([cur, prev]) => {
      if (isZero(prev as Num)) throw new DslEvaluationError('pct_change: previous value is 0');
      return div(sub(cur as Num, prev as Num), prev as Num);
    },
  },
  {
    name: 'cap_floor', signature: 'cap_floor(x, cap, floor)', description: 'x at least floor and at most cap: exactly clip(x, floor, cap) (cap wins if floor > cap).',
    example: 'cap_floor(-3, 10, 0)', result: '0', minArgs: 3, maxArgs: 3,
    // The same order as clip, so the two never disagree on the same bounds.
    impl: ([x, cap, fl]) => {
      const m = lt(x as Num, fl as Num) ? (fl as Num) : (x as Num);
      return lt(cap as Num, m) ? (cap as Num) : m;
    },
  },
  {
    name: 'abs', signature: 'abs(x)', description: 'Absolute value.',
    example: 'abs(-2.5)', result: '2.5', minArgs: 1, maxArgs: 1,
    impl: ([x]) => abs(x as Num),
  },
  {
    name: 'floor', signature: 'floor(x)', description: 'Largest whole number ≤ x.',
    example: 'floor(-2.5)', result: '-3', minArgs: 1, maxArgs: 1,
    impl: ([x]) => floor(x as Num),
  },
  {
    name: 'ceil', signature: 'ceil(x)', description: 'Smallest whole number ≥ x.',
    example: 'ceil(2.1)', result: '3', minArgs: 1, maxArgs: 1,
    impl: ([x]) => ceil(x as Num),
  },
];

/** Lookup by name (a Map: names like `constructor` are simply absent). */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(SPECS.map((s) => [s.name, s]));

/** The catalog without implementations, JSON-serialisable, for docs and autocomplete. */
export const FUNCTION_CATALOG: readonly FunctionDoc[] = Object.freeze(SPECS.map(({ impl: _impl, ...doc }) => Object.freeze(doc)));

export function arityText(f: FunctionDoc): string {
  if (f.maxArgs === null) return `at least ${f.minArgs} arguments`;
  if (f.minArgs === f.maxArgs) return `${f.minArgs} argument${f.minArgs === 1 ? '' : 's'}`;
  return `${f.minArgs} to ${f.maxArgs} arguments`;
}
