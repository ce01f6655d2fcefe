import type { LegacyRouteHandler } from '../../core/module';
import { appendBandTable, findCurrentBandTable } from '../../bands/index';
import { LEGACY_OUTPUTS, POOL_OUTPUT } from '../compute';
import { calculate } from '../service/calculate';
import { checkBandTable, checkCalculate, readJsonBody } from './bodies';
import { legacyDeps } from './context';
import { json } from './respond';

/** POST /api/v1/calculate: compute without storing (legacy's parity endpoint), numbers from the new engine. */
export const postCalculate: LegacyRouteHandler = async (req, ctx) => {
  const body = readJsonBody(req);
  if ('error' in body) return body.error;
  const checked = checkCalculate(body.value);
  if ('error' in checked) return checked.error;
  const { deps, tenantId } = legacyDeps(ctx);
  const { rows, pool, bands } = checked.value;
  const out = await calculate(deps, tenantId, { rows, bands, poolAmount: pool });
  const failed = out.rows.findIndex((r) => !r.ok);
  if (failed !== -1) {
    ctx.log.error({ row: failed, error: out.rows[failed]?.error }, 'legacy calculate: the engine refused a row legacy accepts');
    return json(500, { detail: 'Internal Server Error' });
  }
  // Rendered here (a string body is sent as it is): one literal per row with legacy's keys in
  // LEGACY_OUTPUTS order is the cheapest shape for JSON.stringify (ADR 0024); an output the engine
  // did not give is left out, as before.
  const results = out.rows.map((r, i) => {
    const o = r.outputs;
    return {
      employee_id: rows[i]!.employee_id,
      perf_multiplier: o.perf_multiplier,
      fund_factor: o.fund_factor,
      band_multiplier: o.band_multiplier,
      target: o.target,
      raw: o.raw,
      capped: o.capped,
      bonus: o.bonus,
      pool_bonus: pool === null ? null : (o[POOL_OUTPUT] ?? null),
    } satisfies Record<'employee_id' | (typeof LEGACY_OUTPUTS)[number] | 'pool_bonus', unknown>;
  });
  return json(200, JSON.stringify({ results, total_bonus: out.totalBonus, total_pool_bonus: out.totalPoolBonus, band_version: out.bandVersion }));
};

/** PUT /api/v1/admin/revenue-bands: a new band table version (ascending from 0, multipliers ≥ 0, 1–20 bands). */
export const putRevenueBands: LegacyRouteHandler = async (req, ctx) => {
  const body = readJsonBody(req);
  if ('error' in body) return body.error;
  const checked = checkBandTable(body.value);
  if ('error' in checked) return checked.error;
  const mirrored = req.legacyResponse?.body as { updated_at?: unknown } | undefined;
  const updatedAt = typeof mirrored?.updated_at === 'string' ? new Date(mirrored.updated_at) : new Date();
  if (req.dryRun) {
    const head = await findCurrentBandTable(ctx.db);
    return json(200, { version: (head?.version ?? 0) + 1, bands: checked.value, updated_at: updatedAt.toISOString() });
  }
  return json(200, await appendBandTable(ctx.db, checked.value, updatedAt));
};
