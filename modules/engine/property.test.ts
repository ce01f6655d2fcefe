/**
 * Property tests: random expressions evaluated by the engine agree, digit for digit, with an
 * independent reference evaluator written here with exact BigInt rationals, rounded to 28
 * significant digits half-even after every arithmetic operation (Python's default context).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateExpression } from './index';

interface Rat {
  n: bigint;
  d: bigint;
}
class RefError extends Error {}

const P10 = (k: number): bigint => 10n ** BigInt(k);
const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
};
const rat = (n: bigint, d: bigint = 1n): Rat => {
  if (d === 0n) throw new RefError('division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
};
const parseRat = (s: string): Rat => {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [i = '0', f = ''] = body.split('.');
  return rat(BigInt((neg ? '-' : '') + i + f), P10(f.length));
};
const cmp = (a: Rat, b: Rat): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
const isZero = (a: Rat) => a.n === 0n;
const ZERO = rat(0n);
const ONE = rat(1n);
const radd = (a: Rat, b: Rat) => rat(a.n * b.d + b.n * a.d, a.d * b.d);
const rmul = (a: Rat, b: Rat) => rat(a.n * b.n, a.d * b.d);
const rneg = (a: Rat) => rat(-a.n, a.d);
const rdiv = (a: Rat, b: Rat) => {
  if (isZero(b)) throw new RefError('division by zero');
  return rat(a.n * b.d, a.d * b.n);
};
const trunc = (a: Rat) => a.n / a.d; // BigInt division truncates toward zero
const floorInt = (a: Rat) => (a.n >= 0n || a.n % a.d === 0n ? a.n / a.d : a.n / a.d - 1n);

/** Round to 28 significant digits, half-even: find k with 10^27 <= |x|·10^k < 10^28. */
function round28(x: Rat): Rat {
  return roundTo(x, 28);
}
/** Round to `p` significant digits, half-even. */
function roundTo(x: Rat, p: number): Rat {
  if (x.n === 0n) return ZERO;
  const neg = x.n < 0n;
  const a = neg ? -x.n : x.n;
  const scaled = (k: number): [bigint, bigint] => (k >= 0 ? [a * P10(k), x.d] : [a, x.d * P10(-k)]);
  let k = p - 1 - (a.toString().length - x.d.toString().length);
  for (;;) {
    const [num, den] = scaled(k);
    if (num < den * P10(p - 1)) k++;
    else if (num >= den * P10(p)) k--;
    else break;
  }
  const [num, den] = scaled(k);
  let q = num / den;
  const twice = (num - q * den) * 2n;
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  return k >= 0 ? rat(neg ? -q : q, P10(k)) : rat((neg ? -q : q) * P10(-k));
}
/** Half-even to dp places; like Python quantize, more than 28 digits is an error. */
function quantize(x: Rat, dp: number): Rat {
  const num = x.n * P10(dp);
  const neg = num < 0n;
  const a = neg ? -num : num;
  let q = a / x.d;
  const twice = (a - q * x.d) * 2n;
  if (twice > x.d || (twice === x.d && q % 2n === 1n)) q += 1n;
  if (q !== 0n && q.toString().length > 28) throw new RefError('quantize overflow');
  return rat(neg ? -q : q, P10(dp));
}
function canonicalRat(x: Rat): string {
  // Every result here is a finite decimal: scale up until the denominator is 1.
  let scale = 0;
  let n = x.n;
  let den = x.d;
  while (den !== 1n) {
    n *= 10n;
    scale++;
    const g = gcd(n, den);
    n /= g;
    den /= g;
    if (scale > 2000) throw new Error('not a finite decimal');
  }
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
  return (neg && text !== '0' ? '-' : '') + text;
}

type Node =
  | { t: 'lit'; text: string }
  | { t: 'var'; name: 'x' | 'y' | 'z' }
  | { t: 'neg'; a: Node }
  | { t: 'not'; a: Node }
  | { t: 'bin'; op: string; a: Node; b: Node }
  | { t: 'pow'; a: Node; e: number }
  | { t: 'if'; c: Node; a: Node; b: Node }
  | { t: 'fn'; name: string; args: Node[] };

function evalRef(n: Node, vars: Record<string, Rat>): Rat {
  switch (n.t) {
    case 'lit':
      return parseRat(n.text);
    case 'var':
      return vars[n.name] as Rat;
    case 'neg':
      return round28(rneg(evalRef(n.a, vars)));
    case 'not':
      return isZero(evalRef(n.a, vars)) ? ONE : ZERO;
    case 'if':
      return isZero(evalRef(n.c, vars)) ? evalRef(n.b, vars) : evalRef(n.a, vars);
    case 'pow': {
      const b = evalRef(n.a, vars);
      if (isZero(b) && n.e <= 0) throw new RefError('zero power');
      // Python's libmpdec: working precision 28 + digits(e) + 2 (+1 and the reciprocal first when
      // e < 0), binary exponentiation from the top bit, every product rounded; then 28 digits.
      const m = Math.abs(n.e);
      const wp = 28 + String(m).length + 2 + (n.e < 0 ? 1 : 0);
      const base = n.e < 0 ? roundTo(rdiv(ONE, b), wp) : b;
      let r = base;
      for (let bit = 1 << (31 - Math.clz32(m)); (bit >>= 1) > 0; ) {
        r = roundTo(rmul(r, r), wp);
        if ((m & bit) !== 0) r = roundTo(rmul(r, base), wp);
      }
      return round28(m === 0 ? ONE : r);
    }
    case 'bin': {
      const a = evalRef(n.a, vars);
      if (n.op === '&&') return isZero(a) ? ZERO : isZero(evalRef(n.b, vars)) ? ZERO : ONE;
      if (n.op === '||') return !isZero(a) ? ONE : isZero(evalRef(n.b, vars)) ? ZERO : ONE;
      const b = evalRef(n.b, vars);
      const c = cmp(a, b);
      switch (n.op) {
        case '+':
          return round28(radd(a, b));
        case '-':
          return round28(radd(a, rneg(b)));
        case '*':
          return round28(rmul(a, b));
        case '/':
          return round28(rdiv(a, b));
        case '%': {
          if (isZero(b)) throw new RefError('mod zero');
          const q = trunc(rdiv(a, b));
          if ((q < 0n ? -q : q).toString().length > 28) throw new RefError('quotient too large');
          return round28(radd(a, rneg(rmul(b, rat(q)))));
        }
        case '==':
          return c === 0 ? ONE : ZERO;
        case '!=':
          return c !== 0 ? ONE : ZERO;
        case '<':
          return c < 0 ? ONE : ZERO;
        case '<=':
          return c <= 0 ? ONE : ZERO;
        case '>':
          return c > 0 ? ONE : ZERO;
        case '>=':
          return c >= 0 ? ONE : ZERO;
      }
      throw new Error(n.op);
    }
    case 'fn': {
      const args = n.args.map((a) => evalRef(a, vars));
      const [a, b, c] = args as [Rat, Rat, Rat];
      switch (n.name) {
        case 'min':
          return args.reduce((m, x) => (cmp(x, m) < 0 ? x : m));
        case 'max':
          return args.reduce((m, x) => (cmp(x, m) > 0 ? x : m));
        case 'abs':
          return round28(a.n < 0n ? rneg(a) : a);
        case 'floor':
          return rat(floorInt(a));
        case 'ceil':
          return rat(-floorInt(rneg(a)));
        case 'round2':
          return quantize(a, 2);
        case 'pct':
          return round28(rdiv(a, rat(100n)));
        case 'pct_change':
          if (isZero(b)) throw new RefError('pct_change zero');
          return round28(rdiv(round28(radd(a, rneg(b))), b));
        case 'hurdle':
          return cmp(a, b) < 0 ? ZERO : a;
        case 'clip': {
          const m = cmp(a, b) < 0 ? b : a;
          return cmp(c, m) < 0 ? c : m;
        }
        case 'cap_floor': {
          // clip(x, floor, cap): the cap wins when floor > cap.
          const m = cmp(a, c) < 0 ? c : a;
          return cmp(b, m) < 0 ? b : m;
        }
      }
      throw new Error(n.name);
    }
  }
}

function print(n: Node): string {
  switch (n.t) {
    case 'lit':
      return n.text.startsWith('-') ? `(${n.text})` : n.text;
    case 'var':
      return n.name;
    case 'neg':
      return `(-${print(n.a)})`;
    case 'not':
      return `(!${print(n.a)})`;
    case 'pow':
      return `(${print(n.a)} ^ ${n.e < 0 ? `(${n.e})` : n.e})`;
    case 'bin':
      return `(${print(n.a)} ${n.op} ${print(n.b)})`;
    case 'if':
      return `(if (${print(n.c)}) then ${print(n.a)} else ${print(n.b)})`;
    case 'fn':
      return `${n.name}(${n.args.map(print).join(', ')})`;
  }
}

// Decimals with up to 40 digits, many scales, both signs, and plenty of ties and zeros.
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom('0', '1', '2', '4', '5', '9'), minLength: min, maxLength: max });
const decimalText = fc
  .tuple(fc.boolean(), digits(1, 20), fc.option(digits(1, 20), { nil: undefined }))
  .map(([neg, i, f]) => {
    const int = i.replace(/^0+(?=\d)/, '');
    const text = f === undefined ? int : `${int}.${f}`;
    return neg && /[1-9]/.test(text) ? `-${text}` : text;
  });

const leaf: fc.Arbitrary<Node> = fc.oneof(
  decimalText.map((text): Node => ({ t: 'lit', text })),
  fc.constantFrom<Node>({ t: 'var', name: 'x' }, { t: 'var', name: 'y' }, { t: 'var', name: 'z' }),
);
const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ t: fc.constant('bin' as const), op: fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||'), a: tie('node'), b: tie('node') }),
    fc.record({ t: fc.constant('neg' as const), a: tie('node') }),
    fc.record({ t: fc.constant('not' as const), a: tie('node') }),
    fc.record({ t: fc.constant('pow' as const), a: tie('node'), e: fc.integer({ min: -3, max: 4 }) }),
    fc.record({ t: fc.constant('if' as const), c: tie('node'), a: tie('node'), b: tie('node') }),
    fc.oneof(
      fc.record({ t: fc.constant('fn' as const), name: fc.constantFrom('abs', 'floor', 'ceil', 'round2', 'pct'), args: fc.tuple(tie('node')) }),
      fc.record({ t: fc.constant('fn' as const), name: fc.constantFrom('min', 'max', 'hurdle', 'pct_change'), args: fc.tuple(tie('node'), tie('node')) }),
      fc.record({ t: fc.constant('fn' as const), name: fc.constantFrom('clip', 'cap_floor', 'min', 'max'), args: fc.tuple(tie('node'), tie('node'), tie('node')) }),
    ),
  ),
})) as { node: fc.Arbitrary<Node> };

describe('engine vs exact reference evaluator', () => {
  it('agrees on random expressions, digit for digit, including errors', () => {
    fc.assert(
      fc.property(node, decimalText, decimalText, decimalText, (tree, x, y, z) => {
        const src = print(tree);
        let expected: string;
        try {
          expected = canonicalRat(evalRef(tree, { x: parseRat(x), y: parseRat(y), z: parseRat(z) }));
        } catch (err) {
          if (!(err instanceof RefError)) throw err;
          expected = 'error';
        }
        let actual: string;
        try {
          actual = evaluateExpression(src, { x, y, z });
        } catch {
          actual = 'error';
        }
        expect({ src, x, y, z, actual }).toEqual({ src, x, y, z, actual: expected });
      }),
      { numRuns: 2000 },
    );
  });
  it('agrees on the operator precedence table (unparenthesised)', () => {
    const ops = ['+', '-', '*', '/', '%', '<', '==', '&&', '||'];
    const prec: Record<string, number> = { '||': 1, '&&': 2, '<': 3, '==': 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5 };
    fc.assert(
      fc.property(fc.constantFrom(...ops), fc.constantFrom(...ops), decimalText, decimalText, decimalText, (o1, o2, a, b, c) => {
        if (prec[o1] === 3 && prec[o2] === 3) return; // chained comparison: rejected by the checker
        const lit = (s: string): Node => ({ t: 'lit', text: s });
        // a o1 b o2 c: o2 binds tighter only if its precedence is higher; equal → left-assoc.
        const tree: Node = (prec[o2] as number) > (prec[o1] as number)
          ? { t: 'bin', op: o1, a: lit(a), b: { t: 'bin', op: o2, a: lit(b), b: lit(c) } }
          : { t: 'bin', op: o2, a: { t: 'bin', op: o1, a: lit(a), b: lit(b) }, b: lit(c) };
        const p = (s: string) => (s.startsWith('-') ? `(${s})` : s);
        let expected: string;
        try {
          expected = canonicalRat(evalRef(tree, {}));
        } catch (err) {
          if (!(err instanceof RefError)) throw err;
          expected = 'error';
        }
        let actual: string;
        try {
          actual = evaluateExpression(`${p(a)} ${o1} ${p(b)} ${o2} ${p(c)}`);
        } catch {
          actual = 'error';
        }
        expect(actual).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('boundary-near thresholds', () => {
  it('compares exactly at, just below and just above any threshold', () => {
    fc.assert(
      fc.property(decimalText, fc.integer({ min: 1, max: 38 }), fc.constantFrom(-1n, 0n, 1n), (t, k, sign) => {
        const tr = parseRat(t);
        const x = radd(tr, rat(sign, P10(k)));
        const xs = canonicalRat(x);
        const vars = { x: xs, t };
        expect(evaluateExpression('x >= t', vars)).toBe(sign >= 0n ? '1' : '0');
        expect(evaluateExpression('x < t', vars)).toBe(sign < 0n ? '1' : '0');
        expect(evaluateExpression('x == t', vars)).toBe(sign === 0n ? '1' : '0');
        expect(evaluateExpression('hurdle(x, t)', vars)).toBe(sign < 0n ? '0' : xs);
        expect(evaluateExpression('if (x >= t) then 1.5 else 0.8', vars)).toBe(sign >= 0n ? '1.5' : '0.8');
      }),
      { numRuns: 1000 },
    );
  });
  it('rounds half-even exactly at cent ties and one unit either side', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 3, max: 30 }), fc.constantFrom(-1n, 0n, 1n), (cents, k, sign) => {
        // x = cents/100 + 0.005 + sign·10^-k
        const x = radd(radd(rat(cents, 100n), rat(5n, 1000n)), rat(sign, P10(k)));
        expect(evaluateExpression('round2(x)', { x: canonicalRat(x) })).toBe(canonicalRat(quantize(x, 2)));
      }),
      { numRuns: 1000 },
    );
  });
});
