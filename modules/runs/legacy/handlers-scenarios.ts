import type { LegacyRouteHandler } from '../../core/module';
import { canonicalDecimal, Decimal } from '../../core/decimal';
import { UploadNotFound } from '../service/create-run';
import { createScenario } from '../service/create-scenario';
import { compareScenarios, findScenario, listScenarios } from '../service/queries';
import { checkScenario, readJsonBody } from './bodies';
import { legacyDeps, legacyRecord, readParams } from './context';
import { json, notFound, dryRunRefused } from './respond';
import { scenarioWire } from './wire';

/** POST /api/v1/scenarios: a what-if run with its own pool and/or bands (the global band table is untouched). */
export const postScenario: LegacyRouteHandler = async (req, ctx) => {
  const body = readJsonBody(req);
  if ('error' in body) return body.error;
  const checked = checkScenario(body.value);
  if ('error' in checked) return checked.error;
  const { uploadId, name, pool, bands } = checked.value;
  if (uploadId < 1n || uploadId > 2147483647n) return notFound('Upload');
  if (req.dryRun) return dryRunRefused();
  const { deps, tenantId } = legacyDeps(ctx);
  const { id, createdAt, batchId } = legacyRecord(req);
  try {
    const created = await createScenario(deps, tenantId, {
      uploadId: Number(uploadId),
      name,
      poolAmount: pool,
      bands,
      source: 'legacy-api',
      ...(id !== undefined ? { id } : {}),
      ...(batchId !== undefined ? { runId: batchId } : {}),
      ...(createdAt !== undefined ? { createdAt } : {}),
    });
    return json(201, scenarioWire(created));
  } catch (err) {
    if (err instanceof UploadNotFound) return notFound('Upload');
    throw err;
  }
};

/** GET /api/v1/scenarios?limit&offset */
export const getScenarios: LegacyRouteHandler = async (req, ctx) => {
  const params = readParams(req, { page: true });
  if ('error' in params) return params.error;
  const { deps, tenantId } = legacyDeps(ctx);
  const { rows, total } = await listScenarios(deps, tenantId, params);
  return json(200, { items: rows.map(scenarioWire), total, limit: params.limit, offset: params.offset });
};

/** GET /api/v1/scenarios/{id} */
export const getScenario: LegacyRouteHandler = async (req, ctx) => {
  const params = readParams(req, { path: ['id'] });
  if ('error' in params) return params.error;
  const { deps, tenantId } = legacyDeps(ctx);
  const found = await findScenario(deps, tenantId, params.ids[0]!);
  return found ? json(200, scenarioWire(found)) : notFound('Scenario');
};

/** GET /api/v1/scenarios/{id}/compare/{other}: payout per employee (pool share, else bonus), other − base. */
export const getScenarioCompare: LegacyRouteHandler = async (req, ctx) => {
  const params = readParams(req, { path: ['id', 'other'] });
  if ('error' in params) return params.error;
  const { deps, tenantId } = legacyDeps(ctx);
  const found = await compareScenarios(deps, tenantId, params.ids[0]!, params.ids[1]!);
  if (found.missing) return notFound('Scenario');
  const a = new Map(found.base.payouts.map((p) => [p.employee_id, new Decimal(p.payout)]));
  const b = new Map(found.other.payouts.map((p) => [p.employee_id, new Decimal(p.payout)]));
  const zero = new Decimal(0);
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort(byCodePoint);
  let changed = 0;
  const employees = ids.map((id) => {
    const delta = (b.get(id) ?? zero).minus(a.get(id) ?? zero);
    if (!delta.isZero()) changed++;
    return {
      employee_id: id,
      base_payout: a.has(id) ? canonicalDecimal(a.get(id)!) : null,
      other_payout: b.has(id) ? canonicalDecimal(b.get(id)!) : null,
      delta: canonicalDecimal(delta),
    };
  });
  const sum = (m: Map<string, Decimal>) => [...m.values()].reduce((s, v) => s.plus(v), zero);
  const [baseTotal, otherTotal] = [sum(a), sum(b)];
  return json(200, {
    base: scenarioWire(found.base),
    other: scenarioWire(found.other),
    base_total: canonicalDecimal(baseTotal),
    other_total: canonicalDecimal(otherTotal),
    total_delta: canonicalDecimal(otherTotal.minus(baseTotal)),
    changed_count: changed,
    employees,
  });
};

/** Python's string order (by code point), not JS's UTF-16 order. */
function byCodePoint(x: string, y: string): number {
  if (!/[\ud800-\udfff]/.test(x + y)) return x < y ? -1 : x > y ? 1 : 0;
  const [p, q] = [[...x], [...y]];
  for (let i = 0; i < Math.min(p.length, q.length); i++) {
    const d = (p[i]!.codePointAt(0) as number) - (q[i]!.codePointAt(0) as number);
    if (d !== 0) return d;
  }
  return p.length - q.length;
}
