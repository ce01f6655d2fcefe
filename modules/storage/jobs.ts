import { Queue } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../core/config';
import { queueName, type JobDefinition } from '../core/jobs';
import { createBlobStore } from './blob/blob-store';
import { scannerFor } from './scanner';
import { processUpload } from './service/process-upload';

const ProcessPayload = z.object({ tenantId: z.uuid(), uploadId: z.number().int().positive() });

/** Scan an uploaded file and COPY its rows into runs.upload_rows (docs/storage.md). */
export const processUploadJob: JobDefinition<typeof ProcessPayload> = {
  name: 'storage.process-upload',
  version: 1,
  payload: ProcessPayload,
  concurrency: 1,
  handler: async ({ tenantId, uploadId }, ctx) => {
    const store = createBlobStore(ctx.config);
    try {
      const upload = await processUpload({ db: ctx.db, config: ctx.config, store, log: ctx.log, scanner: scannerFor(ctx.config) }, tenantId, uploadId);
      return { status: upload.status, rows: upload.row_count };
    } finally {
      store.close();
    }
  },
};

/** The gateway's producer for processUploadJob: one queue, opened once, closed with the app. */
export function uploadQueue(config: Config): { enqueue: (tenantId: string, uploadId: number) => Promise<void>; close: () => Promise<void> } {
  let queue: Queue | undefined;
  return {
    async enqueue(tenantId, uploadId) {
      queue ??= new Queue(queueName(processUploadJob), {
        connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
        prefix: `${config.REDIS_PREFIX}bull`,
      });
      await queue.add(processUploadJob.name, { tenantId, uploadId }, {
        jobId: `upload-${tenantId}-${uploadId}`,
        attempts: 3,
        backoff: { type: 'exponential', delay: 2_000 },
        removeOnComplete: 1000,
        removeOnFail: 5000,
      });
    },
    async close() {
      await queue?.close();
    },
  };
}
