import { Decimal } from '../../modules/core/decimal';
import { z } from 'zod';
import type { Db } from '../../modules/core/db';
import { readTotals, type ShadowTotals } from '../http/index';
import { engineGate, type EngineGate } from '../../modules/parity/index';
import { BONUS_ROUTE_KEYS } from '../families/bonus';

/**
 * Per-route gate config, stored in `gateway.routes.gate` (jsonb). Every field is optional.
 * `rollback` holds the route's auto-rollback budget (defaults from AUTOROLLBACK_* config).
 */
export const GateConfig = z.object({
  minSamples: z.number().int().min(0).default(50),
  minMatchRate: z.number().min(0).max(1).default(0.99),
  /** Largest money difference allowed in any sample (beyond the route's money tolerance nothing may differ). */
  maxMoneyDiff: z.union([z.string().regex(/^\d+(\.\d+)?$/), z.number().min(0)]).default('0.01'),
  /** new p99 / legacy p99 at most this. */
  maxLatencyRatio: z.number().positive().default(1.5),
  /** Legacy p99 below this counts as this (a 1 ms vs 2 ms route is not 2x slower in any way that matters). */
  latencyFloorMs: z.number().min(0).default(10),
  /** Window of shadow samples the gate judges. */
  windowMinutes: z.number().int().min(1).max(60 * 24 * 30).default(1440),
  /** Require finance's signed-off engine parity report (default: on for ENGINE_ROUTE_KEYS). */
  engineParity: z.boolean().optional(),
  /** Tenant whose engine parity reports count (default: the flipping user's tenant). */
  engineTenantId: z.uuid().optional(),
  rollback: z
    .object({
      windowSeconds: z.number().int().min(1),
      maxErrorRate: z.number().min(0).max(1),
      maxMismatchRate: z.number().min(0).max(1),
      minRequests: z.number().int().min(1),
      enabled: z.boolean(),
    })
    .partial()
    .default({}),
});
export type GateConfig = z.infer<typeof GateConfig>;

/**
 * Route keys whose answers come from the bonus engine (the whole legacy bonus family: every one
 * reads or writes engine results): their gate also needs finance's signed-off engine parity report.
 */
export const ENGINE_ROUTE_KEYS: ReadonlySet<string> = new Set(BONUS_ROUTE_KEYS);

/** Which gate a check belongs to (the console and FIG_GATE_FAILED name the blocking one). */
export type GateKind = 'module' | 'shadow' | 'engine';

export interface GateCheck {
  name: 'servable' | 'samples' | 'matchRate' | 'moneyDiff' | 'latency' | 'engineParity';
  gate: GateKind;
  passed: boolean;
  actual: number | string | null;
  required: string;
  detail?: string;
}

export interface GateEvaluation {
  routeKey: string;
  passed: boolean;
  checks: GateCheck[];
  evidence: {
    evaluatedAt: string;
    windowMinutes: number;
    config: GateConfig;
    totals: ShadowTotals;
    engine?: Pick<EngineGate, 'passed' | 'status' | 'detail'> & { reportId: string | null; tenantId: string | null };
  };
}

/** Short form for route lists (the console). */
export interface GateSummary {
  passed: boolean;
  failing: GateCheck['name'][];
  /** The gates with a failing check, in order module, shadow, engine. */
  blockedBy: GateKind[];
}

/** The gates with a failing check among `checks`, in order module, shadow, engine. */
export function blockingGates(checks: Pick<GateCheck, 'gate' | 'passed'>[]): GateKind[] {
  return (['module', 'shadow', 'engine'] as const).filter((g) => checks.some((c) => c.gate === g && !c.passed));
}

/** Parse a route's gate config (invalid → defaults). */
export function gateConfigOf(raw: unknown): GateConfig {
  const parsed = GateConfig.safeParse(raw ?? {});
  return parsed.success ? parsed.data : GateConfig.parse({});
}

/**
 * Evaluate a route's parity gate from the stored shadow stats: minimum samples, match rate,
 * no money difference above the allowed one, new-side p99 latency within the ratio of legacy's,
 * a hosted module serving the route, and for engine routes finance's signed-off parity report.
 */
export async function evaluateGate(
  db: Db,
  route: { key: string; gate: unknown; servedBy: string | null },
  opts: { tenantId?: string; engineTenantId?: string } = {},
): Promise<GateEvaluation> {
  const cfg = gateConfigOf(route.gate);
  const totals = await readTotals(db, route.key, cfg.windowMinutes * 60);
  const checks: GateCheck[] = [];
  checks.push({ name: 'servable', gate: 'module', passed: route.servedBy !== null, actual: route.servedBy, required: 'a hosted module serves the route' });
  checks.push({ name: 'samples', gate: 'shadow', passed: totals.samples >= cfg.minSamples, actual: totals.samples, required: `>= ${cfg.minSamples}` });
  checks.push({
    name: 'matchRate',
    gate: 'shadow',
    passed: totals.matchRate !== null && totals.matchRate >= cfg.minMatchRate,
    actual: totals.matchRate === null ? null : Math.round(totals.matchRate * 10000) / 10000,
    required: `>= ${cfg.minMatchRate}`,
    detail: `${totals.matches + totals.noise} of ${totals.samples} samples matched (${totals.mismatches} mismatches, ${totals.errors} errors, ${totals.noise} noise-only)`,
  });
  checks.push({
    name: 'moneyDiff',
    gate: 'shadow',
    passed: new Decimal(totals.maxMoneyDiff).lte(new Decimal(cfg.maxMoneyDiff)),
    actual: totals.maxMoneyDiff,
    required: `<= ${cfg.maxMoneyDiff}`,
    detail: `${totals.moneyMismatches} samples with a money difference above the tolerance`,
  });
  const l99 = totals.legacy.p99Ms;
  const n99 = totals.new.p99Ms;
  const ratio = l99 === null || n99 === null ? null : Math.round((n99 / Math.max(l99, cfg.latencyFloorMs, 0.001)) * 1000) / 1000;
  checks.push({
    name: 'latency',
    gate: 'shadow',
    passed: ratio !== null && ratio <= cfg.maxLatencyRatio,
    actual: ratio,
    required: `<= ${cfg.maxLatencyRatio}`,
    detail: `p99 new ${n99 ?? '-'} ms vs legacy ${l99 ?? '-'} ms (legacy floor ${cfg.latencyFloorMs} ms)`,
  });
  let engine: GateEvaluation['evidence']['engine'];
  if (cfg.engineParity ?? ENGINE_ROUTE_KEYS.has(route.key)) {
    // The route's own setting, else the tenant whose data the route serves (LEGACY_TENANT for the
    // legacy family), else the flipping user's tenant.
    const tenantId = cfg.engineTenantId ?? opts.engineTenantId ?? opts.tenantId ?? null;
    if (!tenantId) {
      engine = { passed: false, status: 'no-report', detail: 'No tenant to read engine parity reports from: set gate.engineTenantId or flip as a tenant user', reportId: null, tenantId: null };
    } else {
      const g = await engineGate(db, tenantId);
      engine = { passed: g.passed, status: g.status, detail: g.detail, reportId: g.signedOffReport?.id ?? g.latestReport?.id ?? null, tenantId };
    }
    checks.push({ name: 'engineParity', gate: 'engine', passed: engine.passed, actual: engine.status, required: 'signed-off', detail: engine.detail });
  }
  return {
    routeKey: route.key,
    passed: checks.every((c) => c.passed),
    checks,
    evidence: { evaluatedAt: new Date().toISOString(), windowMinutes: cfg.windowMinutes, config: cfg, totals, ...(engine ? { engine } : {}) },
  };
}

/** The list form of an evaluation. */
export function summarise(e: GateEvaluation): GateSummary {
  return { passed: e.passed, failing: e.checks.filter((c) => !c.passed).map((c) => c.name), blockedBy: blockingGates(e.checks) };
}

/** How much traffic a mode sends to the new side (0-100): gates apply when it increases. */
export function exposure(mode: string, canaryPercent: number): number {
  if (mode === 'new') return 100;
  if (mode === 'canary') return canaryPercent;
  return 0;
}
