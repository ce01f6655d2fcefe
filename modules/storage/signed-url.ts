import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../core/config';

/** The HMAC key of local download links: STORAGE_SIGNING_KEY, else derived from the install's JWT keys or admin token. */
export function signingKey(config: Config): Buffer {
  const base = config.STORAGE_SIGNING_KEY ?? config.JWT_KEYS ?? config.ADMIN_TOKEN;
  // No secret at all (a bare dev run): a per-process key; links then only work on this process.
  return createHash('sha256').update('fig-storage-download:').update(base ?? randomBytes(32)).digest();
}

const mac = (key: Buffer, path: string, expires: number) => createHmac('sha256', key).update(`${path}\n${expires}`).digest('base64url');

/** `path?expires=…&sig=…`: valid until `expires` (unix seconds) for exactly this path. */
export function signPath(key: Buffer, path: string, expires: number): string {
  return `${path}?expires=${expires}&sig=${mac(key, path, expires)}`;
}

/** Whether `sig` signs `path` until `expires` and that time has not passed. */
export function verifyPath(key: Buffer, path: string, expires: number, sig: string, nowS: number): boolean {
  if (!Number.isInteger(expires) || expires < nowS) return false;
  const want = Buffer.from(mac(key, path, expires));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}
