import type { LegacyRouteHandler, ModuleRequest } from '../../core/module';
import { createUpload } from '../service/create-upload';
import { findUpload, listUploadRows, listUploads } from '../service/queries';
import { legacyDeps, legacyRecord, readParams } from './context';
import { NUMERIC_COLUMNS, parseEmployeeCsv } from './employee-csv';
import { parseMultipart, type MultipartValue } from './multipart';
import { detail, json, legacyError, notFound, dryRunRefused } from './respond';
import { uploadRowWire, uploadWire } from './wire';

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** The last value of a form field (Starlette keeps the last), from a multipart or urlencoded body. */
async function lastFormValue(body: Buffer, contentType: string, name: string): Promise<MultipartValue | null> {
  if (/^multipart\/form-data/i.test(contentType)) return parseMultipart(body, contentType).get(name)?.at(-1) ?? null;
  const form = await new Response(new Uint8Array(body) as unknown as BodyInit, { headers: { 'content-type': contentType } }).formData();
  const value = form.getAll(name).at(-1);
  return typeof value === 'string' ? { kind: 'field', value } : null;
}

/** The `file` part of a multipart body as Starlette reads it, or legacy's 422 when there is none. */
async function filePart(req: ModuleRequest): Promise<{ name: string; content: Buffer; type: string } | { error: ReturnType<typeof detail> }> {
  const ct = req.headers['content-type'];
  const contentType = Array.isArray(ct) ? ct[0] : ct;
  let value: MultipartValue | null = null;
  if (contentType && /^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(contentType) && req.body) {
    try {
      value = await lastFormValue(req.body, contentType, 'file');
    } catch {
      return { error: json(400, { detail: 'There was an error parsing the body' }) };
    }
  }
  if (value === null) return { error: detail([{ loc: ['body', 'file'], msg: 'field required', type: 'value_error.missing' }]) };
  if (value.kind === 'field') return { error: detail([{ loc: ['body', 'file'], msg: "Expected UploadFile, received: <class 'str'>", type: 'value_error' }]) };
  return { name: value.filename, content: value.content, type: value.contentType };
}

/** POST /api/v1/uploads: an employee CSV, every row validated (422 naming row and column), stored with its rows. */
export const postUpload: LegacyRouteHandler = async (req, ctx) => {
  const part = await filePart(req);
  if ('error' in part) return part.error;
  if (part.content.length > MAX_UPLOAD_BYTES) return legacyError(413, 'file larger than 50 MiB');
  const parsed = parseEmployeeCsv(part.content);
  if (parsed.errors.length > 0) return detail(parsed.errors);
  if (req.dryRun) return dryRunRefused();
  const { deps, tenantId } = legacyDeps(ctx);
  const mirrored = legacyRecord(req);
  const upload = await createUpload(deps, tenantId, {
    filename: part.name || 'upload.csv',
    content: part.content,
    contentType: part.type || null,
    rows: parsed.rows.map((r) => ({
      row_no: r.row_no,
      employee_id: r.employee_id,
      name: r.name,
      department: r.department,
      inputs: Object.fromEntries(NUMERIC_COLUMNS.map((c) => [c, r[c]])),
    })),
    source: 'legacy-api',
    ...mirrored,
  });
  return json(201, uploadWire(upload));
};

/** GET /api/v1/uploads?limit&offset */
export const getUploads: LegacyRouteHandler = async (req, ctx) => {
  const params = readParams(req, { page: true });
  if ('error' in params) return params.error;
  const { deps, tenantId } = legacyDeps(ctx);
  const { rows, total } = await listUploads(deps, tenantId, params);
  return json(200, { items: rows.map(uploadWire), total, limit: params.limit, offset: params.offset });
};

/** GET /api/v1/uploads/{id} */
export const getUpload: LegacyRouteHandler = async (req, ctx) => {
  const params = readParams(req, { path: ['id'] });
  if ('error' in params) return params.error;
  const { deps, tenantId } = legacyDeps(ctx);
  const upload = await findUpload(deps, tenantId, params.ids[0]!);
  return upload ? json(200, uploadWire(upload)) : notFound('Upload');
};

/** GET /api/v1/uploads/{id}/rows?limit&offset (total: the upload's row count) */
export const getUploadRows: LegacyRouteHandler = async (req, ctx) => {
  const params = readParams(req, { path: ['id'], page: true });
  if ('error' in params) return params.error;
  const { deps, tenantId } = legacyDeps(ctx);
  const found = await listUploadRows(deps, tenantId, params.ids[0]!, params);
  if (!found) return notFound('Upload');
  return json(200, { items: found.rows.map(uploadRowWire), total: found.upload.row_count, limit: params.limit, offset: params.offset });
};
