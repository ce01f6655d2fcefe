import { Transform, type TransformCallback } from 'node:stream';

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
