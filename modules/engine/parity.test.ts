/**
 * Parity: the legacy-equivalent plan against the legacy service's own formula
 * (infra/legacy-fastapi, legacy_fastapi.formula.calculate, Python decimal) on 10,000 generated
 * employees, every intermediate compared to the last digit; and allocatePool against the
 * legacy pool allocation. Python runs in-process in a subprocess (no HTTP needed).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocatePool, compilePlan, evaluateBatch } from './index';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LEGACY_DIR = path.join(ROOT, 'infra/legacy-fastapi');
const FIELDS = ['perf_multiplier', 'fund_factor', 'band_multiplier', 'target', 'raw', 'capped', 'bonus'] as const;

const PYTHON = `
import json, sys
from decimal import Decimal
from legacy_fastapi.gen import generate_rows
from legacy_fastapi.formula import calculate, to_wire, total_bonus
n, seed = int(sys.argv[1]), int(sys.argv[2])
rows = generate_rows(n, seed)
results = calculate(rows)
pool = str((total_bonus(results) * Decimal("0.7")).quantize(Decimal("0.01")))
pooled = calculate(rows, pool_amount=pool)
json.dump({"rows": rows, "results": [to_wire(r) for r in results], "pool": pool,
           "pooled": [to_wire(r)["pool_bonus"] for r in pooled]}, sys.stdout)
`;

interface LegacyRun {
  rows: Record<string, string>[];
  results: Record<string, string>[];
  pool: string;
  pooled: string[];
}

function legacy(n: number, seed: number): LegacyRun {
  const out = execFileSync('/usr/bin/python3', ['-c', PYTHON, String(n), String(seed)], {
    cwd: LEGACY_DIR,
    env: { ...process.env, PYTHONPATH: LEGACY_DIR },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out) as LegacyRun;
}

describe('legacy-equivalent plan vs the legacy Python formula', () => {
  const plan = compilePlan(JSON.parse(readFileSync(path.join(ROOT, 'modules/plans/seeds/legacy-equivalent.json'), 'utf8')));
  const run = legacy(10_000, 1);

  it('agrees on every intermediate of 10,000 generated employees, to the last digit', () => {
    expect(run.rows.length).toBe(10_000);
    const results = evaluateBatch(plan, run.rows, { tape: false });
    const mismatches: string[] = [];
    results.forEach((r, i) => {
      const want = run.results[i] as Record<string, string>;
      if (!r.ok) {
        mismatches.push(`${want.employee_id}: engine error ${r.error.step}: ${r.error.message}`);
        return;
      }
      for (const f of FIELDS) if (r.outputs[f] !== want[f]) mismatches.push(`${want.employee_id}.${f}: engine ${r.outputs[f]} legacy ${want[f]}`);
    });
    expect(mismatches).toEqual([]);
  });

  it('covers the formula edges (band edges, hurdle edge, cap, zero targets, half-even ties)', () => {
    const has = (pred: (r: Record<string, string>) => boolean) => run.rows.some(pred);
    expect(has((r) => r.performance_score === '0.9')).toBe(true);
    expect(has((r) => r.fund_return === '0.02')).toBe(true);
    expect(has((r) => r.revenue === '1000000')).toBe(true);
    expect(has((r) => r.target_pct === '0')).toBe(true);
    expect(run.results.some((r) => r.capped !== r.raw)).toBe(true);
    expect(run.results.some((r) => r.employee_id !== undefined && r.bonus === '100.02')).toBe(true);
  });

  it('allocates a pool exactly like the legacy engine', () => {
    const rows = run.results.map((r) => ({ id: r.employee_id as string, amount: r.bonus as string }));
    const ours = allocatePool(rows, run.pool).map((r) => r.amount);
    const diffs = ours.flatMap((a, i) => (a === run.pooled[i] ? [] : [`${rows[i]?.id}: engine ${a} legacy ${run.pooled[i]}`]));
    expect(diffs).toEqual([]);
  });
});
