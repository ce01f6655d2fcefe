import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../core/config';
import type { FigModule } from '../core/module';
import { createBlobStore } from './blob/blob-store';
import { processUploadJob, uploadQueue } from './jobs';
import { storageRoutes } from './routes';
import { createTus } from './tus';
import './tables';

export { createBlobStore, BlobNotFound, type BlobStore, type StorageBackend } from './blob/blob-store';
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
  app.addHook('onClose', async () => {
    await queue.close();
    store.close();
  });
  await app.register(storageRoutes, { prefix: '/api/v1', deps, tus });
};

export const storageModule: FigModule = { name: 'storage', plugin, jobs: [processUploadJob] };
