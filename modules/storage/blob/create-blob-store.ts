import type { Config } from '../../core/config';
import type { BlobStore } from './blob-store';
import { createLocalBlobStore } from './local-store';
import { createS3BlobStore } from './s3-store';

/** S3 when S3_BUCKET is set, local disk under STORAGE_DIR otherwise (DESIGN.md conventions). */
export function createBlobStore(config: Config): BlobStore {
  if (config.S3_BUCKET)
    return createS3BlobStore({
      bucket: config.S3_BUCKET,
      region: config.S3_REGION,
      endpoint: config.S3_ENDPOINT,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    });
  return createLocalBlobStore(`${config.STORAGE_DIR}/objects`);
}
