import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A tiny programmable upstream for proxy tests and benchmarks: records what reached it and lets a
 * test decide how to answer (slow, streaming, odd headers) — things the legacy service cannot show.
 */
export interface SeenRequest {
  method: string;
  /** Request target exactly as it arrived on the wire (latin1 string, one char per byte). */
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

export type UpstreamHandler = (req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest) => void;

export interface TestUpstream {
  url: string;
  port: number;
  seen: SeenRequest[];
  /** Replace how the upstream answers (default: 200 "ok"). */
  handle(fn: UpstreamHandler, opts?: { readBody?: boolean }): void;
  stop(): Promise<void>;
  /** Listen again on the same port after stop(). */
  start(): Promise<void>;
}

const defaultHandler: UpstreamHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
};

/** Start an upstream on 127.0.0.1 (port 0 unless given). */
export async function startTestUpstream(port = 0): Promise<TestUpstream> {
  let handler = defaultHandler;
  let readBody = true;
  const seen: SeenRequest[] = [];
  const sockets = new Set<net.Socket>();
  let server: http.Server;

  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server = http.createServer((req, res) => {
        const record: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.alloc(0) };
        seen.push(record);
        if (!readBody) return handler(req, res, record);
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          record.body = Buffer.concat(chunks);
          handler(req, res, record);
        });
      });
      server.keepAliveTimeout = 60_000;
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });

  const actualPort = await listen(port);
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    seen,
    handle(fn, opts) {
      handler = fn;
      readBody = opts?.readBody ?? true;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
    async start() {
      await listen(actualPort);
    },
  };
}
