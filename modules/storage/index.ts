import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../core/config';
import type { FigModule } from '../core/module';
import { createBlobStore } from './blob/create-blob-store';
import { processUploadJob, uploadQueue } from './jobs';
import { storageRoutes } from './routes';
import { expireIncompleteUploads } from './service/expire-uploads';
import { createTus } from './tus';
import './tables';

export { BlobNotFound, type BlobStore, type StorageBackend } from './blob/blob-store';
export { createBlobStore } from './blob/create-blob-store';
export { processUploadJob } from './jobs';
export { processUpload } from './service/process-upload';
export { clamdScanner, noScanner, scannerFor, type Scanner, type ScanVerdict } from './scanner';
export * as StorageSchemas from './schema';

/**
 * Storage: files on local disk or S3, resumable tus uploads of CSV/XLSX (checked, scanned,
 * quarantined on failure), parsed in the worker into runs.upload_rows with COPY; column mapping
 * suggestions, presets, preview and the validation report (docs/storage.md, ADR 0015).
 */
const plugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const store = createBlobStore(config);
  const queue = uploadQueue(config);
  const deps = { db: app.db, config, store, log: app.log };
  const tus = createTus(deps, queue.enqueue);
  // Expire incomplete uploads: checked every tenth of the TTL (at most every 15 minutes, at least every second).
  const every = Math.max(1_000, Math.min(15 * 60_000, (config.UPLOAD_INCOMPLETE_TTL_S * 1000) / 10));
  const expiry = setInterval(() => {
    expireIncompleteUploads(deps, tus.datastore).catch((err: Error) => app.log.warn({ err: err.message }, 'upload expiry failed'));
  }, every);
  expiry.unref();
  app.addHook('onClose', async () => {
    clearInterval(expiry);
    await queue.close();
    store.close();
  });
  await app.register(storageRoutes, { prefix: '/api/v1', deps, tus });
};

export const storageModule: FigModule = { name: 'storage', plugin, jobs: [processUploadJob] };
