import { randomBytes } from 'node:crypto';
import { request as undiciRequest } from 'undici';
import type { CapturedResponse } from '../../modules/core/module';

export type { CapturedResponse } from '../../modules/core/module';

/** What the shadow keeps of a request (a copy: the primary request is long gone when it runs). */
export interface RequestCopy {
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  body: Buffer | undefined;
}

/**
 * Send a copy of a request to legacy (reverse shadow, noise baseline) and read the answer, up to
 * `cap` bytes. A fresh traceparent marks it as its own span; x-fig-shadow says it is a copy.
 */
export async function replayToLegacy(legacyUrl: string, copy: RequestCopy, opts: { cap: number; signal?: AbortSignal; timeoutMs: number }): Promise<CapturedResponse> {
  const started = performance.now();
  const base = new URL(legacyUrl);
  const headers: Record<string, string | string[]> = { ...copy.headers, 'x-fig-shadow': 'replay' };
  // One randomBytes() call for trace and span id: a call costs more than the rest of the header work.
  const ids = randomBytes(24).toString('hex');
  headers.traceparent = `00-${ids.slice(0, 32)}-${ids.slice(32)}-01`;
  delete headers.tracestate;
  const res = await undiciRequest(new URL(base.pathname.replace(/\/+$/, '') + copy.url, base.origin), {
    method: copy.method as 'GET',
    headers,
    body: copy.body && !['GET', 'HEAD'].includes(copy.method) ? copy.body : undefined,
    signal: opts.signal,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > opts.cap) {
      over = true;
      chunks.length = 0;
    } else if (!over) chunks.push(chunk as Buffer);
  }
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = v;
  return { status: res.statusCode, headers: out, body: over ? undefined : Buffer.concat(chunks), over, ms: performance.now() - started };
}
