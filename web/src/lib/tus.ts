/**
 * A small tus 1.0.0 client (creation + core protocol) over fetch: POST creates the upload, PATCH
 * sends it in chunks from the server's offset, HEAD asks for the offset when resuming. The upload
 * URL is remembered per file (name, size, modification time) in localStorage, so a page reload or
 * a dropped connection resumes from the last byte the server stored instead of starting over.
 */
import { ApiError, authorizedFetch, errorFrom } from './api-client';

const TUS = { 'Tus-Resumable': '1.0.0' };
const STORE_PREFIX = 'fig.tus:';

export interface TusProgress {
  sent: number;
  total: number;
}

export interface TusOptions {
  /** Collection URL, e.g. /api/v1/tenants/{tid}/uploads/tus. */
  endpoint: string;
  file: File;
  chunkBytes?: number;
  metadata?: Record<string, string>;
  onProgress?: (p: TusProgress) => void;
  signal?: AbortSignal;
  /** Retries of one chunk after a network failure or a 5xx (with a growing pause). */
  retries?: number;
}

export interface TusResult {
  url: string;
  /** Headers of the answer to the last PATCH (the gateway adds Upload-Id, Upload-Status, Upload-Sha256). */
  headers: Headers;
  /** True when the upload continued one started earlier. */
  resumed: boolean;
}

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const fingerprint = (endpoint: string, f: File) => `${STORE_PREFIX}${endpoint}:${f.name}:${f.size}:${f.lastModified}`;
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new DOMException('Aborted', 'AbortError'));
    });
  });

function remember(key: string, url: string | null) {
  try {
    if (url) localStorage.setItem(key, url);
    else localStorage.removeItem(key);
  } catch {
    // Private mode or a full quota: the upload still works, it just cannot resume after a reload.
  }
}

/** The server's offset for an upload URL, or null when the server no longer knows it. */
async function offsetOf(url: string, signal?: AbortSignal): Promise<number | null> {
  const res = await authorizedFetch(url, { method: 'HEAD', headers: TUS, signal });
  if (!res.ok) return null;
  const offset = Number(res.headers.get('Upload-Offset'));
  return Number.isFinite(offset) ? offset : null;
}

async function create(opts: TusOptions): Promise<string> {
  const meta = Object.entries({ filename: opts.file.name, filetype: opts.file.type || 'application/octet-stream', ...opts.metadata })
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(',');
  const res = await authorizedFetch(opts.endpoint, {
    method: 'POST',
    headers: { ...TUS, 'Upload-Length': String(opts.file.size), 'Upload-Metadata': meta },
    signal: opts.signal,
  });
  if (res.status !== 201) throw await errorFrom(res);
  const location = res.headers.get('Location');
  if (!location) throw new ApiError(502, { detail: 'The upload server did not say where to send the file (no Location header)' });
  return new URL(location, window.location.href).pathname;
}

/** Upload (or resume) `file`; resolves when the server has every byte. */
export async function tusUpload(opts: TusOptions): Promise<TusResult> {
  const chunk = opts.chunkBytes ?? 5 * 1024 * 1024;
  const key = fingerprint(opts.endpoint, opts.file);
  let url = localStorage.getItem(key);
  let offset = url ? await offsetOf(url, opts.signal) : null;
  const resumed = offset !== null && offset > 0;
  if (!url || offset === null) {
    url = await create(opts);
    offset = 0;
    remember(key, url);
  }
  opts.onProgress?.({ sent: offset, total: opts.file.size });
  let headers = new Headers();
  let failures = 0;
  while (offset < opts.file.size || opts.file.size === 0) {
    const body = opts.file.slice(offset, Math.min(offset + chunk, opts.file.size));
    let res: Response;
    try {
      res = await authorizedFetch(url, {
        method: 'PATCH',
        headers: { ...TUS, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
        body,
        signal: opts.signal,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError' || failures >= (opts.retries ?? 5)) throw err;
      failures++;
      await sleep(500 * 2 ** failures, opts.signal);
      offset = (await offsetOf(url, opts.signal)) ?? offset;
      continue;
    }
    if (res.status === 409 || (res.status >= 500 && failures < (opts.retries ?? 5))) {
      // Offset mismatch (another tab, a half-stored chunk) or a server hiccup: ask where it stands.
      failures++;
      await sleep(res.status === 409 ? 0 : 500 * 2 ** failures, opts.signal);
      const server = await offsetOf(url, opts.signal);
      if (server === null) throw await errorFrom(res);
      offset = server;
      continue;
    }
    if (res.status !== 204 && res.status !== 200) throw await errorFrom(res);
    failures = 0;
    headers = res.headers;
    offset = Number(res.headers.get('Upload-Offset') ?? offset + body.size);
    opts.onProgress?.({ sent: offset, total: opts.file.size });
    if (opts.file.size === 0) break;
  }
  remember(key, null);
  return { url, headers, resumed };
}
