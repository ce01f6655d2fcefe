/**
 * `^` against Python's decimal (default context, precision 28): random bases (up to 40 digits,
 * both signs, many scales) with whole and non-whole exponents, every result compared to the last
 * digit, errors included. Python runs once in a subprocess with a fixed seed.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileExpression } from './index';

const PYTHON = `
import json, random, sys
from decimal import Decimal
random.seed(int(sys.argv[1]))
WHOLE = [1, 2, 3, 4, 5, 7, 11, 13, 25, 50, 99, 100, 333, 999, 1000, -1, -2, -3, -7, -50, -999, -1000]
FRACTIONS = ['0.5', '-0.5', '0.25', '1.5', '2.5', '0.0833333333333333333333333333', '-1.5', '3.75', '12.345',
             '0.1', '0.01', '-0.001', '999.5', '-999.5', '7.123456789', '0.3333333333333333333333333333', '2.00000000000000000001']
out = []
for i in range(int(sys.argv[2])):
    d = random.randint(1, 40)
    digits = ''.join(random.choice('0124599') for _ in range(d)).lstrip('0') or '1'
    x = Decimal(digits).scaleb(-random.randint(0, d))
    if random.random() < 0.2:
        x = Decimal(1) + Decimal(random.randint(1, 10**6)).scaleb(-random.randint(3, 20))
    if random.random() < 0.1:
        x = -x
    if random.random() < 0.02:
        x = Decimal(0)
    n = Decimal(random.choice(WHOLE)) if random.random() < 0.5 else Decimal(random.choice(FRACTIONS))
    try:
        r = x ** n
        # The engine has no infinities: 0 ^ negative (Python: Infinity) is its division-by-zero error.
        r = 'error' if not r.is_finite() else '0' if r == 0 else format(r.normalize(), 'f')
    except Exception:
        r = 'error'
    out.append([format(x, 'f'), format(n, 'f'), r])
json.dump(out, sys.stdout)
`;

function python(seed: number, n: number): [string, string, string][] {
  const out = execFileSync('/usr/bin/python3', ['-c', PYTHON, String(seed), String(n)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as [string, string, string][];
}

describe('^ vs Python decimal', () => {
  it('agrees digit for digit on 4,000 random powers, whole and non-whole exponents, errors included', () => {
    const pow = compileExpression('x ^ n');
    const mismatches: string[] = [];
    for (const [x, n, want] of python(12, 4000)) {
      let got: string;
      try {
        got = pow.run({ x, n });
      } catch {
        got = 'error';
      }
      if (got !== want) mismatches.push(`${x} ^ ${n}: engine ${got} python ${want}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('does bounded work for huge exponents: 60 × L^1000 costs about what 60 × L^7 does', () => {
    // Exact powers of a 39-digit L grew to 39,000 digits (0.6 s per row); working precision keeps
    // every product near 35 digits, so the cost grows with log2(n), not with n.
    const L = '3.14159265358979323846264338327950288419'; // 39 digits
    const sum = (n: number) => compileExpression(Array.from({ length: 60 }, () => `${L} ^ ${n}`).join(' + '));
    const time = (c: ReturnType<typeof compileExpression>) => {
      c.run({});
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) c.run({});
      return performance.now() - t0;
    };
    const big = sum(1000);
    const small = sum(7);
    // Python: 8.472741267094588873862638382E+498
    expect(big.run({})).toBe(`8472741267094588873862638382${'0'.repeat(471)}`);
    expect(time(big)).toBeLessThan(time(small) * 20);
  });
});
