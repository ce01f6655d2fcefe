import http from 'node:http';
import type { Readable } from 'node:stream';

/** What a test client saw, raw: repeated headers stay apart in rawHeaders, body bytes untouched. */
export interface ClientResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

export interface ClientRequestOptions {
  method?: string;
  /** Request target as bytes on the wire: a latin1 string (one char per byte). */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string | Readable;
  /** Called with the response before its body is read (streaming tests). */
  onResponse?: (res: http.IncomingMessage) => void;
}

const agent = new http.Agent({ keepAlive: false });

/** A plain node:http request to a listening gateway (no decompression, no redirects followed). */
export function send(baseUrl: string, opts: ClientRequestOptions): Promise<ClientResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string | string[]> = { ...opts.headers };
  // Node frames DELETE/OPTIONS bodies only with an explicit length.
  if ((typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) && headers['content-length'] === undefined) {
    headers['content-length'] = String(Buffer.byteLength(opts.body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: opts.method ?? 'GET', path: opts.path, headers, agent },
      (res) => {
        opts.onResponse?.(res);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const body = opts.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** Values of one header in arrival order, from rawHeaders (repeats kept apart). */
export function rawValues(rawHeaders: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) out.push(rawHeaders[i + 1]!);
  return out;
}
