import { Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/**
 * A pass-through stream that keeps a copy of what flows through it, up to `cap` bytes. The client's
 * bytes are passed on unchanged and immediately; past the cap only the count goes on.
 */
export class BodyTee extends Transform {
  private chunks: Buffer[] = [];
  size = 0;
  over = false;
  ended = false;
  /** performance.now() when the last byte went through. */
  endedAt = 0;

  constructor(private readonly cap: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.size += chunk.length;
    if (!this.over) {
      if (this.size > this.cap) {
        this.over = true;
        this.chunks = [];
      } else this.chunks.push(chunk);
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.ended = true;
    this.endedAt = performance.now();
    cb();
  }

  /** The captured bytes (undefined when over the cap). */
  body(): Buffer | undefined {
    return this.over ? undefined : Buffer.concat(this.chunks);
  }
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect']);

/** A copy of request headers without hop-by-hop ones (and those a Connection header names). */
export function copyHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const listed = String(headers.connection ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith('proxy-') || listed.includes(name)) continue;
    out[name] = Array.isArray(value) ? [...value] : value;
  }
  return out;
}

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
