import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth, requireTenant } from '../core/auth-context';
import { StorageErrors } from './errors';
import {
  CreatePresetBody,
  DownloadLink,
  DownloadQuery,
  MappingPreset,
  MappingPresetList,
  MappingSuggestions,
  PatchPresetBody,
  PresetParams,
  Preview,
  PreviewQuery,
  ProblemList,
  SaveMappingBody,
  SuggestQuery,
  TenantParams,
  Upload,
  UploadList,
  UploadListQuery,
  UploadParams,
} from './schema';
import { PageQuery } from '../core/pagination';
import type { Caller, StorageDeps } from './service/context';
import { saveUploadMapping, suggestUploadMapping } from './service/map-upload';
import { createPreset, deletePreset, getPreset, listPresets, patchPreset } from './service/presets';
import { downloadLink, getUpload, listUploadProblems, listUploads, openUploadFile, previewUpload, problemsCsv } from './service/read-uploads';
import { signingKey, verifyPath } from './signed-url';
import type { createTus } from './tus';

const READ = { permission: 'uploads.read' };
const WRITE = { permission: 'uploads.write' };
const Empty = z.object({}).nullish();

/** The caller, after checking `{tid}` is the session's tenant (another tenant is simply not found). */
function tenantCaller(request: FastifyRequest, tid: string): Caller {
  const tenantId = requireTenant(request);
  const auth = requireAuth(request);
  if (tenantId !== tid.toLowerCase()) throw StorageErrors.tenantNotFound(tid);
  return { tenantId, actor: auth.actor, actorId: auth.kind === 'user' ? auth.userId : null, requestId: String(request.id), ip: request.ip };
}

const attachment = (filename: string) => `attachment; filename="${filename.replace(/[^\w.\- ]/g, '_')}"`;

/** Routes of the uploads API under /api/v1 (docs/storage.md). Thin: parse, call the service, answer. */
export async function storageRoutes(appRaw: FastifyInstance, { deps, tus }: { deps: StorageDeps; tus: ReturnType<typeof createTus> }): Promise<void> {
  const app = appRaw.withTypeProvider<ZodTypeProvider>();
  const tags = ['uploads'];

  // ---- tus: authenticated, permission-checked and write-rate-limited by the auth plugin like any write route
  tus.registerParser(appRaw);
  for (const url of ['/tenants/:tid/uploads/tus', '/tenants/:tid/uploads/tus/:tusId'])
    appRaw.route({
      method: ['POST', 'HEAD', 'PATCH', 'DELETE'],
      url,
      config: WRITE,
      schema: { hide: true },
      handler: async (req, reply) => tus.handle(req, tenantCaller(req, (req.params as { tid: string }).tid), reply),
    });

  app.get('/tenants/:tid/uploads', { config: READ, schema: { tags, params: TenantParams, querystring: UploadListQuery, response: { 200: UploadList } } }, (req) =>
    listUploads(deps, tenantCaller(req, req.params.tid), req.query),
  );
  app.get('/tenants/:tid/uploads/:id', { config: READ, schema: { tags, params: UploadParams, response: { 200: Upload } } }, (req) =>
    getUpload(deps, tenantCaller(req, req.params.tid), req.params.id),
  );
  app.get('/tenants/:tid/uploads/:id/download-link', { config: READ, schema: { tags, params: UploadParams, response: { 200: DownloadLink } } }, (req) =>
    downloadLink(deps, tenantCaller(req, req.params.tid), req.params.id),
  );
  app.get('/tenants/:tid/uploads/:id/download', { config: READ, schema: { tags, params: UploadParams } }, async (req, reply) =>
    reply.redirect((await downloadLink(deps, tenantCaller(req, req.params.tid), req.params.id)).url, 302),
  );
  // The signed link itself is the credential (local disk only): no session needed, valid for STORAGE_URL_TTL_S.
  app.get('/tenants/:tid/uploads/:id/file', { config: { public: true }, schema: { tags, params: UploadParams, querystring: DownloadQuery } }, async (req, reply) => {
    const path = `/api/v1/tenants/${req.params.tid}/uploads/${req.params.id}/file`;
    if (!verifyPath(signingKey(deps.config), path, req.query.expires, req.query.sig, Math.floor(Date.now() / 1000))) throw StorageErrors.linkInvalid();
    const file = await openUploadFile(deps, req.params.tid.toLowerCase(), req.params.id);
    return reply
      .header('content-type', file.contentType && /^[\w.+-]+\/[\w.+-]+$/.test(file.contentType) ? file.contentType : 'application/octet-stream')
      .header('content-disposition', attachment(file.filename))
      .header('cache-control', 'private, no-store')
      .send(file.stream);
  });

  // ---- mapping, preview, validation
  app.post(
    '/tenants/:tid/uploads/:id/mapping-suggestions',
    { config: READ, schema: { tags, params: UploadParams, querystring: SuggestQuery, body: Empty, response: { 200: MappingSuggestions } } },
    (req) => suggestUploadMapping(deps, tenantCaller(req, req.params.tid), req.params.id, req.query.plan_id),
  );
  app.put('/tenants/:tid/uploads/:id/mapping', { config: WRITE, schema: { tags, params: UploadParams, body: SaveMappingBody, response: { 200: Upload } } }, (req) =>
    saveUploadMapping(deps, tenantCaller(req, req.params.tid), req.params.id, req.body),
  );
  app.get('/tenants/:tid/uploads/:id/preview', { config: READ, schema: { tags, params: UploadParams, querystring: PreviewQuery, response: { 200: Preview } } }, (req) =>
    previewUpload(deps, tenantCaller(req, req.params.tid), req.params.id, req.query.limit),
  );
  app.get('/tenants/:tid/uploads/:id/problems', { config: READ, schema: { tags, params: UploadParams, querystring: PageQuery, response: { 200: ProblemList } } }, (req) =>
    listUploadProblems(deps, tenantCaller(req, req.params.tid), req.params.id, req.query),
  );
  app.get('/tenants/:tid/uploads/:id/problems.csv', { config: READ, schema: { tags, params: UploadParams } }, async (req, reply) => {
    const caller = tenantCaller(req, req.params.tid);
    const lines = problemsCsv(deps, caller, req.params.id);
    const first = await lines.next(); // throws the 404/409 problem before any byte is sent
    const stream = Readable.from((async function* () {
      if (!first.done) yield first.value;
      yield* lines;
    })());
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', attachment(`upload-${req.params.id}-problems.csv`))
      .send(stream);
  });

  // ---- presets
  app.get('/tenants/:tid/mapping-presets', { config: READ, schema: { tags, params: TenantParams, response: { 200: MappingPresetList } } }, (req) =>
    listPresets(deps, tenantCaller(req, req.params.tid)),
  );
  app.post('/tenants/:tid/mapping-presets', { config: WRITE, schema: { tags, params: TenantParams, body: CreatePresetBody, response: { 201: MappingPreset } } }, async (req, reply) =>
    reply.code(201).send(await createPreset(deps, tenantCaller(req, req.params.tid), req.body)),
  );
  app.get('/tenants/:tid/mapping-presets/:id', { config: READ, schema: { tags, params: PresetParams, response: { 200: MappingPreset } } }, (req) =>
    getPreset(deps, tenantCaller(req, req.params.tid), req.params.id),
  );
  app.patch('/tenants/:tid/mapping-presets/:id', { config: WRITE, schema: { tags, params: PresetParams, body: PatchPresetBody, response: { 200: MappingPreset } } }, (req) =>
    patchPreset(deps, tenantCaller(req, req.params.tid), req.params.id, req.body),
  );
  app.delete('/tenants/:tid/mapping-presets/:id', { config: WRITE, schema: { tags, params: PresetParams } }, async (req, reply) => {
    await deletePreset(deps, tenantCaller(req, req.params.tid), req.params.id);
    return reply.code(204).send();
  });
}
