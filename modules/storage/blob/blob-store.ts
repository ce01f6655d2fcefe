import type { Readable } from 'node:stream';
import type { Config } from '../../core/config';
import { createLocalBlobStore } from './local-store';
import { createS3BlobStore } from './s3-store';

export type StorageBackend = 'local' | 's3';

/**
 * The storage port: where files live, as streams (a file is never held whole in memory).
 * Keys are relative, `/`-separated, without `..` (checked by each adapter).
 */
export interface BlobStore {
  backend: StorageBackend;
  /** Write `body` under `key` (replacing it); resolves with the bytes written. */
  put(key: string, body: Readable, opts?: { contentType?: string }): Promise<{ size: number }>;
  /** Read `key` as a stream; rejects with BlobNotFound when absent. */
  get(key: string): Promise<Readable>;
  /** Move an object (quarantine); the source is gone afterwards. */
  move(from: string, to: string): Promise<void>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** A presigned URL that downloads `key` directly (S3); undefined when the gateway must serve it (local disk). */
  presignedUrl(key: string, opts: { filename: string; ttlS: number }): Promise<string | undefined>;
  close(): void;
}

export class BlobNotFound extends Error {
  constructor(key: string) {
    super(`no stored object ${key}`);
    this.name = 'BlobNotFound';
  }
}

/** Refuse keys that could leave the store's root. */
export function checkKey(key: string): string {
  if (!key || key.startsWith('/') || key.includes('\\') || key.includes('\0') || key.split('/').some((p) => p === '..' || p === '.' || p === ''))
    throw new Error(`storage: bad object key ${JSON.stringify(key)}`);
  return key;
}

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
