import type { LegacyRouteHandler } from '../../core/module';
import { createRun, UploadNotFound } from '../service/create-run';
import { findRun, listRunResults, listRuns } from '../service/queries';
import { checkBatch, readJsonBody } from './bodies';
import { legacyDeps, legacyRecord, readParams } from './context';
import { pythonCsvLine } from './python-csv';
import { json, notFound, dryRunRefused } from './respond';
import { batchResultWire, batchWire, EXPORT_COLUMNS, exportCells } from './wire';

const INT32_MAX = 2147483647n;

/** POST /api/v1/batches: a run of the current legacy-equivalent plan version over an upload, stored. */
export const postBatch: LegacyRouteHandler = async (req, ctx) => {
  const body = readJsonBody(req);
  if ('error' in body) return body.error;
  const checked = checkBatch(body.value);
  if ('error' in checked) return checked.error;
  const { uploadId, pool, name } = checked.value;
  if (uploadId < 1n || uploadId > INT32_MAX) return notFound('Upload');
  if (req.dryRun) return dryRunRefused();
  const { deps, tenantId } = legacyDeps(ctx);
  try {
    const run = await createRun(deps, tenantId, { uploadId: Number(uploadId), poolAmount: pool, name, bands: null, source: 'legacy-api', ...legacyRecord(req) });
    return json(201, batchWire(run));
  } catch (err) {
    if (err instanceof UploadNotFound) return notFound('Upload');
    throw err;
  }
};

/** GET /api/v1/batches?limit&offset */
export const getBatches: LegacyRouteHandler = async (req, ctx) => {
  const params = readParams(req, { page: true });
  if ('error' in params) return params.error;
  const { deps, tenantId } = legacyDeps(ctx);
  const { rows, total } = await listRuns(deps, tenantId, params);
  return json(200, { items: rows.map(batchWire), total, limit: params.limit, offset: params.offset });
};

/** GET /api/v1/batches/{id} */
export const getBatch: LegacyRouteHandler = async (req, ctx) => {
  const params = readParams(req, { path: ['id'] });
  if ('error' in params) return params.error;
  const { deps, tenantId } = legacyDeps(ctx);
  const run = await findRun(deps, tenantId, params.ids[0]!);
  return run ? json(200, batchWire(run)) : notFound('Batch');
};

/** GET /api/v1/batches/{id}/results?limit&offset: inputs, intermediates, bonus and pool_bonus, in upload order. */
export const getBatchResults: LegacyRouteHandler = async (req, ctx) => {
  const params = readParams(req, { path: ['id'], page: true });
  if ('error' in params) return params.error;
  const { deps, tenantId } = legacyDeps(ctx);
  const found = await listRunResults(deps, tenantId, params.ids[0]!, params);
  if (!found) return notFound('Batch');
  return json(200, { items: found.results.map(batchResultWire), total: found.run.employee_count, limit: params.limit, offset: params.offset });
};

/** GET /api/v1/batches/{id}/export.csv: byte-identical to legacy's (Python csv, "\n" lines, no formula escaping). */
export const getBatchExport: LegacyRouteHandler = async (req, ctx) => {
  const params = readParams(req, { path: ['id'] });
  if ('error' in params) return params.error;
  const { deps, tenantId } = legacyDeps(ctx);
  const found = await listRunResults(deps, tenantId, params.ids[0]!);
  if (!found) return notFound('Batch');
  const text = pythonCsvLine([...EXPORT_COLUMNS]) + found.results.map((r) => pythonCsvLine(exportCells(r))).join('');
  return {
    status: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="batch-${found.run.id}.csv"` },
    body: Buffer.from(text, 'utf8'),
  };
};
