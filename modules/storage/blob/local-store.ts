import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFound, checkKey, type BlobStore } from './blob-store';

/** Files under `root` (the embedded default): written to a temporary name, then renamed into place. */
export function createLocalBlobStore(root: string): BlobStore {
  const abs = path.resolve(root);
  const fileOf = (key: string) => path.join(abs, ...checkKey(key).split('/'));
  return {
    backend: 'local',
    async put(key, body) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.part`;
      let size = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          done(null, chunk);
        },
      });
      try {
        await pipeline(body, count, createWriteStream(tmp));
        await rename(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      return { size };
    },
    async get(key) {
      const file = fileOf(key);
      if (!(await this.exists(key))) throw new BlobNotFound(key);
      return createReadStream(file) as Readable;
    },
    async move(from, to) {
      const dest = fileOf(to);
      await mkdir(path.dirname(dest), { recursive: true });
      try {
        await rename(fileOf(from), dest);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFound(from);
        throw err;
      }
    },
    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
    async exists(key) {
      try {
        return (await stat(fileOf(key))).isFile();
      } catch {
        return false;
      }
    },
    presignedUrl: async () => undefined,
    close() {},
  };
}
