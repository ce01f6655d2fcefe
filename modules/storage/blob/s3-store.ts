import { Readable, Transform } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { BlobNotFound, checkKey, type BlobStore } from './blob-store';

export interface S3Options {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
}

const notFound = (err: unknown) =>
  err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404);

/** An S3 bucket: multipart streaming uploads (lib-storage), presigned GETs for downloads. */
export function createS3BlobStore(opts: S3Options): BlobStore {
  const client = new S3Client({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    forcePathStyle: opts.forcePathStyle,
    ...(opts.accessKeyId && opts.secretAccessKey
      ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } }
      : {}),
  });
  const Bucket = opts.bucket;
  return {
    backend: 's3',
    async put(key, body, putOpts) {
      let size = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          done(null, chunk);
        },
      });
      body.on('error', (err) => count.destroy(err));
      // 5 MiB parts, at most 2 in flight: memory stays bounded whatever the file's size.
      const upload = new Upload({
        client,
        params: { Bucket, Key: checkKey(key), Body: body.pipe(count), ContentType: putOpts?.contentType },
        partSize: 5 * 1024 * 1024,
        queueSize: 2,
      });
      await upload.done();
      return { size };
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: checkKey(key) }));
        return out.Body as Readable;
      } catch (err) {
        if (notFound(err)) throw new BlobNotFound(key);
        throw err;
      }
    },
    async move(from, to) {
      try {
        await client.send(new CopyObjectCommand({ Bucket, Key: checkKey(to), CopySource: `${Bucket}/${encodeURIComponent(checkKey(from)).replace(/%2F/g, '/')}` }));
      } catch (err) {
        if (notFound(err)) throw new BlobNotFound(from);
        throw err;
      }
      await client.send(new DeleteObjectCommand({ Bucket, Key: from }));
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: checkKey(key) }));
    },
    async exists(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: checkKey(key) }));
        return true;
      } catch (err) {
        if (notFound(err)) return false;
        throw err;
      }
    },
    async presignedUrl(key, { filename, ttlS }) {
      const disposition = `attachment; filename="${filename.replace(/[^\w.\- ]/g, '_')}"`;
      return getSignedUrl(client, new GetObjectCommand({ Bucket, Key: checkKey(key), ResponseContentDisposition: disposition }), {
        expiresIn: ttlS,
      });
    },
    close() {
      client.destroy();
    },
  };
}
