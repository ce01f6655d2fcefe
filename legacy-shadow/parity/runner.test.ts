import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacy } from '../../test/global-setup';
import { legacyUrl } from '../../test/helpers';
import { LegacyClient, LEGACY_DIR } from './legacy-client';
import { loadConfig } from '../../modules/core/config';

const { LEGACY_PYTHON } = loadConfig({});
import { execFileSync } from 'node:child_process';
import { CANONICAL_CASES, legacyEquivalentPlan } from './plan';
import { GATE_A, runParity } from './runner';

/** The seed plan with one step's expression replaced. */
function perturbed(stepKey: string, expr: string) {
  const plan = legacyEquivalentPlan();
  return { ...plan, steps: plan.steps.map((s) => (s.key === stepKey ? { ...s, expr } : s)) };
}

describe('parity runner (real legacy service)', () => {
  it('replays the 3 historical batches with zero differences on every output', async () => {
    const legacy = new LegacyClient(legacyUrl());
    const batches = await legacy.listBatches();
    expect(batches.length).toBeGreaterThanOrEqual(3);
    const out = await runParity({ kind: 'historical', batchIds: 'all' }, { legacyUrl: legacyUrl(), legacyPython: LEGACY_PYTHON });
    const historical = out.batches.filter((b) => b.kind === 'historical');
    const total = batches.reduce((a, b) => a + b.employee_count, 0);
    expect(historical.map((b) => b.employees)).toEqual(batches.map((b) => b.employee_count));
    expect(out.employees).toBe(total + CANONICAL_CASES.length);
    expect(out.mismatched).toBe(0);
    expect(out.matched).toBe(out.employees);
    expect(out.maxAbsDiff).toBe('0');
    expect(out.mismatches).toEqual([]);
    // Pooled batches compare pool_bonus too.
    expect(out.byOutput.pool_bonus?.compared).toBeGreaterThan(0);
    expect(out.byOutput.bonus).toEqual({
      compared: out.employees,
      mismatched: 0,
      overTolerance: 0,
      maxAbsDiff: '0',
    });
    const byName = Object.fromEntries(out.gateA.checks.map((c) => [c.name, c]));
    expect(byName.within_tolerance?.passed).toBe(true);
    expect(byName.canonical_half_even?.passed).toBe(true);
    expect(byName.historical_sample?.passed).toBe(total >= GATE_A.minEmployees);
    expect(out.gateA.passed).toBe(total >= GATE_A.minEmployees);
  });

  it('finds a deliberately injected one-cent rounding difference: the employee and the step', async () => {
    // Half-up instead of half-even: differs from legacy only on exact half-cent ties.
    const plan = perturbed('bonus', 'floor(capped * 100 + 0.5) / 100');
    const rows = [
      {
        employee_id: 'E-PLAIN',
        base_salary: '50000',
        target_pct: '0.1',
        performance_score: '0.85',
        fund_return: '0.05',
        revenue: '2000000',
      },
      {
        employee_id: 'E-TIE',
        base_salary: '1000.25',
        target_pct: '0.1',
        performance_score: '0.6',
        fund_return: '0.02',
        revenue: '1000000',
      },
      {
        employee_id: 'E-OTHER',
        base_salary: '72000',
        target_pct: '0.2',
        performance_score: '0.3',
        fund_return: '-0.1',
        revenue: '10',
      },
    ];
    const out = await runParity(
      { kind: 'rows', rows },
      { legacyUrl: legacyUrl(), legacyPython: LEGACY_PYTHON, plan, planName: 'half-up' },
    );
    const rowsMismatches = out.mismatches.filter((m) => m.batchId === 'rows');
    expect(rowsMismatches).toHaveLength(1);
    const m = rowsMismatches[0];
    expect(m).toMatchObject({
      employeeId: 'E-TIE',
      output: 'bonus',
      legacyValue: '100.02',
      newValue: '100.03',
      absDiff: '0.01',
      withinTolerance: true,
      firstDiffStep: 'bonus',
    });
    expect(m?.legacyTape.steps.find((s) => s.key === 'bonus')?.value).toBe('100.02');
    expect(m?.newTape.steps.find((s) => s.key === 'bonus')?.value).toBe('100.03');
    expect(m?.newTape.steps.find((s) => s.key === 'capped')?.value).toBe('100.025');
    // Within tolerance, but the canonical half-even check catches it: Gate A fails.
    const canonical = out.gateA.checks.find((c) => c.name === 'canonical_half_even');
    expect(canonical?.passed).toBe(false);
    expect(canonical?.detail).toBe('5 of 10 half-cent ties rounded differently');
    expect(out.gateA.checks.find((c) => c.name === 'within_tolerance')?.passed).toBe(true);
    expect(out.gateA.passed).toBe(false);
  });

  it('names the first differing step when an intermediate differs, and fails the tolerance check', async () => {
    const plan = perturbed(
      'fund_factor',
      'if(fund_return < 0.02) then 0.8 else min(1 + (fund_return - 0.02), 1.49)',
    );
    const rows = [
      {
        employee_id: 'E-LOW',
        base_salary: '60000',
        target_pct: '0.1',
        performance_score: '0.7',
        fund_return: '0.05',
        revenue: '10',
      },
      {
        employee_id: 'E-CAP',
        base_salary: '60000',
        target_pct: '0.1',
        performance_score: '0.7',
        fund_return: '0.7',
        revenue: '10',
      },
    ];
    const out = await runParity({ kind: 'rows', rows }, { legacyUrl: legacyUrl(), legacyPython: LEGACY_PYTHON, plan });
    const mine = out.mismatches.filter((m) => m.batchId === 'rows');
    expect(mine.map((m) => [m.employeeId, m.output, m.legacyValue, m.newValue, m.firstDiffStep])).toEqual([
      ['E-CAP', 'fund_factor', '1.5', '1.49', 'fund_factor'],
      ['E-CAP', 'raw', '7200', '7152', 'fund_factor'],
      ['E-CAP', 'capped', '7200', '7152', 'fund_factor'],
      ['E-CAP', 'bonus', '7200', '7152', 'fund_factor'],
    ]);
    expect(out.maxAbsDiff).toBe('48');
    // fund_factor itself is off by 0.01 (within tolerance); raw, capped and bonus by 48.
    expect(mine.filter((m) => m.withinTolerance).map((m) => m.output)).toEqual(['fund_factor']);
    expect(out.gateA.checks.find((c) => c.name === 'within_tolerance')).toMatchObject({
      passed: false,
      detail: '3 differences above 0.01 (largest 48)',
    });
  });

  it('runs the legacy generator with the configured python (LEGACY_PYTHON)', async () => {
    await expect(
      runParity({ kind: 'generated', employees: 10, seed: 7 }, { legacyUrl: legacyUrl(), legacyPython: '/nonexistent/python3' }),
    ).rejects.toThrow(/ENOENT.*\/nonexistent\/python3|\/nonexistent\/python3.*ENOENT/);
  });

  it('compares generated batches from the legacy generator, with a pool, in chunks', async () => {
    const out = await runParity(
      { kind: 'generated', employees: 600, seed: 7, poolAmount: '1000000' },
      { legacyUrl: legacyUrl(), legacyPython: LEGACY_PYTHON, chunkSize: 250 },
    );
    expect(out.employees).toBe(610);
    expect(out.mismatched).toBe(0);
    expect(out.byOutput.pool_bonus?.compared).toBe(600);
    const unpooled = await runParity(
      { kind: 'generated', employees: 600, seed: 7 },
      { legacyUrl: legacyUrl(), legacyPython: LEGACY_PYTHON, chunkSize: 250 },
    );
    expect(unpooled.mismatched).toBe(0);
    expect(unpooled.byOutput.pool_bonus).toBeUndefined();
    expect(unpooled.gateA.checks.find((c) => c.name === 'historical_sample')?.passed).toBe(false);
  });
});

describe('Gate A on a history of at least 1,000 employees (private legacy instance)', () => {
  let legacy: Awaited<ReturnType<typeof startLegacy>>;
  beforeAll(async () => {
    legacy = await startLegacy();
    // The seeded history plus one more quarter, uploaded and computed by legacy itself.
    const csv = execFileSync(
      LEGACY_PYTHON,
      ['-m', 'legacy_fastapi.gen', '--employees', '400', '--seed', '104'],
      { cwd: LEGACY_DIR },
    );
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'historical-2025-q3.csv');
    const upload = (await (
      await fetch(`${legacy.url}/api/v1/uploads`, { method: 'POST', body: form })
    ).json()) as { id: number };
    const batch = await fetch(`${legacy.url}/api/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ upload_id: upload.id, scenario_name: 'historical-2025-q3' }),
    });
    expect(batch.status).toBe(201);
  }, 90_000);
  afterAll(async () => legacy?.stop());

  it('passes Gate A with zero differences and records the evidence', async () => {
    const out = await runParity({ kind: 'historical', batchIds: 'all' }, { legacyUrl: legacy.url, legacyPython: LEGACY_PYTHON });
    const historical = out.batches.filter((b) => b.kind === 'historical');
    const employees = historical.reduce((a, b) => a + b.employees, 0);
    expect(historical.length).toBeGreaterThanOrEqual(4);
    expect(employees).toBeGreaterThanOrEqual(GATE_A.minEmployees);
    expect(out.mismatched).toBe(0);
    expect(out.gateA.passed).toBe(true);
    expect(out.gateA.checks.map((c) => [c.name, c.passed])).toEqual([
      ['historical_sample', true],
      ['within_tolerance', true],
      ['canonical_half_even', true],
    ]);
    expect(out.gateA.checks[0]?.detail).toBe(
      `${employees} employees from ${historical.length} historical batches (needs ≥ 1000 from ≥ 3)`,
    );
  });
});
