import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotli = promisify(zlib.brotliDecompress);

/** Undo a Content-Encoding (gzip, deflate, br) so bodies can be compared as JSON. */
export async function decodeBody(body: Buffer, encoding: string | string[] | undefined): Promise<Buffer> {
  const enc = String(Array.isArray(encoding) ? encoding[0] : (encoding ?? '')).trim().toLowerCase();
  if (!enc || enc === 'identity') return body;
  if (enc === 'gzip' || enc === 'x-gzip') return gunzip(body);
  if (enc === 'deflate') return inflate(body);
  if (enc === 'br') return brotli(body);
  return body;
}

/** A body as JSON when it parses, else its text (for a plain comparison), else undefined for none. */
export function parseBody(body: Buffer | undefined): { json: true; value: unknown } | { json: false; value: string | undefined } {
  if (body === undefined || body.length === 0) return { json: false, value: undefined };
  const text = body.toString('utf8');
  try {
    return { json: true, value: JSON.parse(text) as unknown };
  } catch {
    return { json: false, value: text };
  }
}
