import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Server, type ServerOptions } from '@tus/server';
import { FileStore } from '@tus/file-store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { withTenant } from '../core/db';
import { kindOfName } from './inspect';
import * as repo from './repo';
import { beginUpload, receiveUpload } from './service/receive-upload';
import type { Caller, StorageDeps } from './service/context';

type TusRequest = Parameters<NonNullable<ServerOptions['onUploadCreate']>>[0];

/** The tus protocol's error shape: a status and a plain-text body. */
const tusError = (status_code: number, body: string) => ({ status_code, body: `${body}\n` });

/** A write that failed because the disk (or its quota) is full, anywhere in an error's causes. */
const isDiskFull = (err: unknown): boolean => {
  for (let e = err as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === 'ENOSPC' || e.code === 'EDQUOT') return true;
  }
  return false;
};

/**
 * tus's FileStore, except that a failed write keeps its cause: FileStore.write answers every error
 * as a generic 500, and a full disk must be told apart (507, cleaned up).
 */
class StagingStore extends FileStore {
  override async write(readable: Readable, fileId: string, offset: number): Promise<number> {
    const file = (this as unknown as { resolve(id: string): string }).resolve(fileId);
    let received = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(readable, count, createWriteStream(file, { flags: 'r+', start: offset }));
    } catch (err) {
      if (isDiskFull(err)) throw err;
      throw Object.assign(new Error('Something went wrong receiving the file', { cause: err }), { status_code: 500, body: 'Something went wrong receiving the file\n' });
    }
    return offset + received;
  }
}

/** The 507 problem of a full disk (RFC 9457; sent as application/problem+json, see `handle`). */
const diskFullProblem = (instance: string) =>
  JSON.stringify({
    type: 'about:blank',
    title: 'Insufficient Storage',
    status: 507,
    code: 'STORAGE_FULL',
    detail: 'The file could not be stored: the upload storage is full. Nothing of it was kept; try again later.',
    instance,
  });

/**
 * tus 1.0.0 (creation, termination) under /api/v1/tenants/:tid/uploads/tus. Fastify authenticates
 * and checks the permission first (routes.ts); the caller is handed to tus's hooks through the
 * raw request. Bytes are staged on local disk (STORAGE_DIR/tus) so a broken connection resumes
 * from the last stored byte (HEAD gives the offset); after the last byte the file is streamed
 * into the blob store (hashed on the way) and queued for scan and parse.
 */
export function createTus(deps: StorageDeps, enqueue: (tenantId: string, uploadId: number) => Promise<void>) {
  const callers = new WeakMap<IncomingMessage, Caller>();
  const directory = path.resolve(deps.config.STORAGE_DIR, 'tus');
  // Incomplete uploads expire (Upload-Expires; PATCH after it is refused); index.ts removes them.
  // StagingStore: a full disk is a 507 problem, not tus's generic 500 (see above).
  const datastore = new StagingStore({ directory, expirationPeriodInMilliseconds: deps.config.UPLOAD_INCOMPLETE_TTL_S * 1000 });
  const callerOf = (req: TusRequest): Caller => {
    const raw = (req as unknown as { runtime?: { node?: { req: IncomingMessage } } }).runtime?.node?.req;
    const caller = raw && callers.get(raw);
    if (!caller) throw tusError(401, 'Authentication is required');
    return caller;
  };
  const uploadIdOf = (metadata: Record<string, string | null> | undefined) => Number(metadata?.upload_id);

  const server = new Server({
    path: '/api/v1/tenants/:tid/uploads/tus',
    datastore,
    maxSize: deps.config.UPLOAD_MAX_BYTES,
    // Location: this request's own path + the id (the tenant is part of the path).
    generateUrl: (req, { id }) => `${new URL(req.url).pathname.replace(/\/+$/, '')}/${id}`,
    getFileIdFromRequest: (_req, last) => (last && last !== 'tus' ? last : undefined),
    onUploadCreate: async (req, upload) => {
      const caller = callerOf(req);
      const filename = upload.metadata?.filename?.trim();
      if (!filename) throw tusError(400, 'Upload-Metadata must name the file: filename <base64>');
      if (!kindOfName(filename)) throw tusError(415, `Only .csv and .xlsx files are accepted, not '${path.extname(filename) || filename}'`);
      if (upload.size === undefined) throw tusError(400, 'Upload-Length is required (deferred lengths are not accepted)');
      const row = await beginUpload(deps, caller, {
        filename,
        contentType: upload.metadata?.filetype ?? null,
        sizeBytes: upload.size,
        tusId: upload.id,
      });
      return { metadata: { ...upload.metadata, upload_id: String(row.id), tenant_id: caller.tenantId } };
    },
    // HEAD/PATCH/DELETE: the tus id must be an upload of the caller's tenant (another tenant's is simply not found).
    onIncomingRequest: async (req, tusId) => {
      const caller = callerOf(req);
      if (req.method === 'POST') return;
      const row = await withTenant(deps.db, caller.tenantId, (trx) => repo.findUploadByTusId(trx, tusId));
      if (!row) throw tusError(404, 'The file for this URL was not found');
      if (req.method === 'PATCH' && row.status !== 'uploading') throw tusError(409, `This upload is already ${row.status}`);
      // A terminated (cancelled) upload leaves no row behind: nothing was stored or parsed for it.
      if (req.method === 'DELETE') await withTenant(deps.db, caller.tenantId, (trx) => repo.deleteUploadingByTusId(trx, tusId));
    },
    onUploadFinish: async (req, upload) => {
      const caller = callerOf(req);
      const uploadId = uploadIdOf(upload.metadata);
      const staged = path.join(directory, upload.id);
      const after = await receiveUpload(deps, caller, uploadId, createReadStream(staged));
      await datastore.remove(upload.id).catch((err: Error) => deps.log.warn({ err: err.message, uploadId }, 'staged tus file not removed'));
      if (after.status === 'uploaded') await enqueue(caller.tenantId, uploadId);
      return { headers: { 'Upload-Id': String(uploadId), 'Upload-Status': after.status, 'Upload-Sha256': after.sha256 ?? '' } };
    },
    // Disk full while staging a PATCH or storing the finished file: nothing half-written is kept (the
    // staged bytes, their metadata and the `uploading` row go), and the client gets a 507 problem.
    onResponseError: async (req, err) => {
      if (!isDiskFull(err)) return undefined;
      const url = new URL(req.url);
      const tusId = url.pathname.split('/').pop();
      const caller = (() => {
        try {
          return callerOf(req);
        } catch {
          return undefined;
        }
      })();
      if (tusId && tusId !== 'tus' && caller) {
        await datastore.remove(tusId).catch(() => undefined);
        await withTenant(deps.db, caller.tenantId, (trx) => repo.deleteUploadingByTusId(trx, tusId)).catch((e: Error) => deps.log.warn({ err: e.message, tusId }, 'upload row of a disk-full upload not removed'));
      }
      deps.log.error({ err, tusId }, 'upload storage full: upload refused and cleaned up');
      return { status_code: 507, body: diskFullProblem(url.pathname) };
    },
  });

  return {
    server,
    datastore,
    /** Hand a Fastify request to tus (the caller already authenticated and checked). */
    async handle(request: FastifyRequest, caller: Caller, reply: { hijack(): void; raw: import('node:http').ServerResponse }) {
      callers.set(request.raw, caller);
      reply.hijack();
      // tus writes its own responses (text/plain); a 507 carries a problem+json body (onResponseError).
      const raw = reply.raw;
      const writeHead = raw.writeHead.bind(raw) as (...args: unknown[]) => typeof raw;
      raw.writeHead = ((status: number, ...rest: unknown[]) => {
        if (status === 507) {
          const headers = rest.find((r) => r && typeof r === 'object') as Record<string, unknown> | unknown[] | undefined;
          if (Array.isArray(headers)) {
            for (let i = 0; i < headers.length; i += 2) if (String(headers[i]).toLowerCase() === 'content-type') headers[i + 1] = 'application/problem+json';
          } else if (headers) {
            for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k];
            headers['content-type'] = 'application/problem+json';
          } else raw.setHeader('content-type', 'application/problem+json');
        }
        return writeHead(status, ...rest);
      }) as typeof raw.writeHead;
      await server.handle(request.raw, reply.raw);
    },
    /** Register the tus content type so Fastify leaves the body stream to tus. */
    registerParser(app: FastifyInstance) {
      app.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null));
    },
  };
}
