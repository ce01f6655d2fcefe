import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/helpers';
import { startTestUpstream, type TestUpstream } from './test-upstream';
import { rawValues, send } from './client.test-helper';
import type { FigModule } from '../../modules/core/module';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Stands in for the route table: a route of its own that hands requests to reply.proxyLegacy(). */
const captured: { status: number; body: string }[] = [];
const callerModule: FigModule = {
  name: 'proxy-caller',
  plugin: async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post('/caller/buffered', (_request, reply) => reply.proxyLegacy());
    scope.post('/caller/replaced', (_request, reply) => reply.proxyLegacy({ body: Buffer.from('replaced body') }));
    scope.get('/caller/observed', (_request, reply) =>
      reply.proxyLegacy({
        onResponse: (_req, rep, res) => {
          const chunks: Buffer[] = [];
          res.stream.on('data', (c: Buffer) => chunks.push(c));
          res.stream.on('end', () => {
            const body = Buffer.concat(chunks);
            captured.push({ status: res.statusCode, body: body.toString() });
            rep.send(body);
          });
        },
      }),
    );
  },
};

let upstream: TestUpstream;
let app: FastifyInstance;
let fig: string;

beforeAll(async () => {
  upstream = await startTestUpstream();
  ({ app } = await buildTestApp({ LEGACY_URL: upstream.url, PROXY_TIMEOUT_MS: '400', PROXY_CONNECT_TIMEOUT_MS: '1000' }, { modules: [callerModule] }));
  fig = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await upstream?.stop();
});
beforeEach(() => {
  upstream.seen.length = 0;
  upstream.handle((req, res, seen) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${req.method} ${seen.body.length}`);
  });
});

describe('methods', () => {
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    it(`forwards ${method} with its body and returns the upstream answer`, async () => {
      const body = method === 'GET' ? undefined : `{"m":"${method}"}`;
      const res = await send(fig, { method, path: '/api/v1/things/7', headers: body ? { 'content-type': 'application/json' } : {}, body });
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe(`${method} ${body?.length ?? 0}`);
      expect(upstream.seen).toHaveLength(1);
      expect(upstream.seen[0]!.method).toBe(method);
      expect(upstream.seen[0]!.url).toBe('/api/v1/things/7');
      expect(upstream.seen[0]!.body.toString()).toBe(body ?? '');
    });
  }

  it('answers HEAD with the upstream headers (Content-Length kept) and no body', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1234', etag: '"v1"' });
      res.end();
    });
    const res = await send(fig, { method: 'HEAD', path: '/api/v1/things' });
    expect(upstream.seen[0]!.method).toBe('HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('1234');
    expect(res.headers.etag).toBe('"v1"');
    expect(res.body.length).toBe(0);
  });

  it('forwards a body with a Content-Type Fastify itself would refuse, untouched', async () => {
    const res = await send(fig, { method: 'POST', path: '/x', headers: { 'content-type': 'not a media type' }, body: 'abc' });
    expect(res.status).toBe(200);
    expect(upstream.seen[0]!.headers['content-type']).toBe('not a media type');
    expect(upstream.seen[0]!.body.toString()).toBe('abc');
  });

  it('forwards a chunked upload without Content-Type or Content-Length', async () => {
    const body = new PassThrough();
    const pending = send(fig, { method: 'PUT', path: '/blob', body });
    body.write('hello ');
    body.end('world');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(upstream.seen[0]!.body.toString()).toBe('hello world');
    expect(upstream.seen[0]!.headers['content-type']).toBeUndefined();
  });
});

describe('paths and queries', () => {
  const targets = [
    '/api/v1/files/a%2Fb%2Fc',
    '/search?q=a+b&q=c+d&q=',
    '/search?empty=&flag&x=%20%2B%26',
    '/api/v1/caf%C3%A9?name=%E2%82%AC',
    '/api/v1/%F0%9F%8D%90?emoji=%F0%9F%8D%90&e=',
    '/a/./b/../c//d',
    '/%7Euser/%2e%2e/x',
    '/?',
    '/path;matrix=1?a=1&a=2&a=3',
    "/q?sql=select%20*%20from%20t%20where%20x%3D'1'",
  ];
  for (const target of targets) {
    it(`forwards ${JSON.stringify(target)} byte for byte`, async () => {
      const res = await send(fig, { path: target });
      expect(res.status).toBe(200);
      expect(upstream.seen.map((s) => s.url)).toEqual([target]);
    });
  }

  it('proxies the root path', async () => {
    const res = await send(fig, { path: '/' });
    expect(res.status).toBe(200);
    expect(upstream.seen[0]!.url).toBe('/');
  });

  it('leaves routes fig owns alone', async () => {
    const res = await send(fig, { path: '/healthz' });
    expect(JSON.parse(res.body.toString())).toEqual({ status: 'ok' });
    expect(upstream.seen).toHaveLength(0);
  });
});

describe('headers', () => {
  it('forwards request headers and adds X-Forwarded-*', async () => {
    await send(fig, { path: '/h', headers: { 'x-custom': 'v1', accept: 'application/json', authorization: 'Basic Zm9vOmJhcg==', cookie: 'a=1; b=2', host: 'api.example.com' } });
    const h = upstream.seen[0]!.headers;
    expect(h['x-custom']).toBe('v1');
    expect(h.accept).toBe('application/json');
    expect(h.authorization).toBe('Basic Zm9vOmJhcg==');
    expect(h.cookie).toBe('a=1; b=2');
    expect(h.host).toBe(new URL(upstream.url).host);
    expect(h['x-forwarded-host']).toBe('api.example.com');
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('replaces X-Forwarded-For/Proto/Host from a client that is not a trusted proxy (TRUSTED_PROXIES is empty)', async () => {
    // The shared app trusts loopback (the test harness default); this one trusts nobody.
    const { app: strict } = await buildTestApp({ LEGACY_URL: upstream.url, TRUSTED_PROXIES: '' });
    try {
      const url = await strict.listen({ host: '127.0.0.1', port: 0 });
      await send(url, { path: '/h', headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.1', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'front.example', host: 'api.example.com' } });
      const h = upstream.seen.find((s) => s.url === '/h')!.headers;
      expect(h['x-forwarded-for']).toBe('127.0.0.1');
      expect(h['x-forwarded-proto']).toBe('http');
      expect(h['x-forwarded-host']).toBe('api.example.com');
    } finally {
      await strict.close();
    }
  });

  it('returns status, response headers and repeated Set-Cookie headers apart', async () => {
    upstream.handle((_req, res) => {
      res.setHeader('set-cookie', ['session=abc; Path=/; HttpOnly', 'seen=1; Path=/']);
      res.setHeader('x-legacy', 'yes');
      res.setHeader('cache-control', 'no-store');
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"id":1}');
    });
    const res = await send(fig, { method: 'POST', path: '/api/v1/sessions', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(201);
    expect(rawValues(res.rawHeaders, 'set-cookie')).toEqual(['session=abc; Path=/; HttpOnly', 'seen=1; Path=/']);
    expect(res.headers['x-legacy']).toBe('yes');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.toString()).toBe('{"id":1}');
  });

  it('passes legacy error statuses and bodies through unchanged', async () => {
    const detail = '{"detail":[{"loc":["body","amount"],"msg":"field required","type":"value_error.missing"}]}';
    upstream.handle((_req, res) => {
      res.writeHead(422, { 'content-type': 'application/json', 'content-length': String(detail.length) });
      res.end(detail);
    });
    const res = await send(fig, { method: 'POST', path: '/api/v1/invoices', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.toString()).toBe(detail);
  });

  it('removes hop-by-hop headers in both directions', async () => {
    upstream.handle((_req, res) => {
      res.setHeader('connection', 'x-up-hop');
      res.setHeader('x-up-hop', 'secret');
      res.setHeader('keep-alive', 'timeout=1');
      res.setHeader('proxy-authenticate', 'Basic');
      res.setHeader('upgrade', 'foo/1');
      res.setHeader('trailer', 'x-checksum');
      res.setHeader('x-end-to-end', 'kept');
      res.end('ok');
    });
    // A chunked body, so the client may legally announce a Trailer.
    const body = new PassThrough();
    body.end('x');
    const res = await send(fig, {
      method: 'POST',
      path: '/hop',
      body,
      headers: {
        connection: 'keep-alive, x-down-hop',
        'x-down-hop': 'secret',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic xyz',
        'proxy-connection': 'keep-alive',
        te: 'trailers',
        trailer: 'x-foo',
        upgrade: 'foo/1',
        'x-end-to-end': 'kept',
      },
    });
    const up = upstream.seen[0]!.headers;
    for (const name of ['x-down-hop', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'upgrade']) {
      expect(up[name], name).toBeUndefined();
    }
    expect(up.connection).not.toContain('x-down-hop');
    expect(up['x-end-to-end']).toBe('kept');
    for (const name of ['x-up-hop', 'proxy-authenticate', 'upgrade', 'trailer']) {
      expect(res.headers[name], name).toBeUndefined();
    }
    // Node writes its own Keep-Alive for the client connection; the upstream's must not leak.
    expect(res.headers['keep-alive']).not.toBe('timeout=1');
    expect(res.headers['x-end-to-end']).toBe('kept');
  });
});

describe('request id and trace context', () => {
  it('keeps the client X-Request-Id upstream and on the response', async () => {
    const res = await send(fig, { path: '/rid', headers: { 'x-request-id': 'client-req-42' } });
    expect(upstream.seen[0]!.headers['x-request-id']).toBe('client-req-42');
    expect(res.headers['x-request-id']).toBe('client-req-42');
  });

  it('mints a request id when the client sent none and uses it both ways', async () => {
    const res = await send(fig, { path: '/rid' });
    const id = upstream.seen[0]!.headers['x-request-id'];
    expect(id).toMatch(UUID_RE);
    expect(res.headers['x-request-id']).toBe(id);
  });

  it("continues a valid traceparent's trace with a new span id and keeps tracestate", async () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await send(fig, { path: '/t', headers: { traceparent: incoming, tracestate: 'vendor=1' } });
    const tp = String(upstream.seen[0]!.headers.traceparent);
    expect(tp).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(tp.split('-')[2]).not.toBe('00f067aa0ba902b7');
    expect(upstream.seen[0]!.headers.tracestate).toBe('vendor=1');
  });

  it('starts a new trace when traceparent is missing or invalid, dropping its tracestate', async () => {
    for (const bad of [undefined, 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']) {
      upstream.seen.length = 0;
      await send(fig, { path: '/t', headers: bad ? { traceparent: bad, tracestate: 'vendor=1' } : {} });
      const tp = String(upstream.seen[0]!.headers.traceparent);
      expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(tp).not.toContain('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(tp.split('-')[1]).not.toBe('0'.repeat(32));
      expect(upstream.seen[0]!.headers.tracestate).toBeUndefined();
    }
  });
});

describe('bodies', () => {
  it('passes a gzip body through untouched, Content-Encoding and Content-Length kept', async () => {
    const gz = gzipSync(Buffer.from(JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => i) })));
    upstream.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(gz.length), vary: 'Accept-Encoding' });
      res.end(gz);
    });
    const res = await send(fig, { path: '/gz', headers: { 'accept-encoding': 'gzip' } });
    expect(upstream.seen[0]!.headers['accept-encoding']).toBe('gzip');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-length']).toBe(String(gz.length));
    expect(res.body.equals(gz)).toBe(true);
  });

  it('streams a chunked response: the first chunk reaches the client before the upstream ends', async () => {
    const events: string[] = [];
    let release!: () => void;
    const clientGotFirst = new Promise<void>((r) => (release = r));
    upstream.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"chunk":0}\n');
      events.push('upstream wrote chunk 0');
      // Finish only once the client has seen chunk 0 (or give up after 5 s so a buffering proxy fails, not hangs).
      const timer = setTimeout(() => release(), 5000);
      void clientGotFirst.then(() => {
        clearTimeout(timer);
        res.end('{"chunk":1}\n');
        events.push('upstream ended');
      });
    });
    const res = await send(fig, {
      path: '/stream',
      onResponse: (r) =>
        r.once('data', (c: Buffer) => {
          events.push(`client got ${c.toString().trim()}`);
          release();
        }),
    });
    expect(events).toEqual(['upstream wrote chunk 0', 'client got {"chunk":0}', 'upstream ended']);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.body.toString()).toBe('{"chunk":0}\n{"chunk":1}\n');
  });

  it('streams a 30 MB upload to the upstream before the client has finished sending it', async () => {
    const total = 30 * 1024 * 1024;
    const hash = createHash('sha256');
    let received = 0;
    let firstBytes!: () => void;
    const upstreamHasBytes = new Promise<void>((r) => (firstBytes = r));
    upstream.handle(
      (req, res) => {
        req.on('data', (c: Buffer) => {
          received += c.length;
          hash.update(c);
          firstBytes();
        });
        req.on('end', () => res.end(JSON.stringify({ bytes: received })));
      },
      { readBody: false },
    );
    const body = new PassThrough();
    const sent = createHash('sha256');
    const pending = send(fig, { method: 'POST', path: '/upload', headers: { 'content-type': 'application/octet-stream', 'content-length': String(total) }, body });
    const first = randomBytes(1024 * 1024);
    sent.update(first);
    body.write(first);
    const events: string[] = [];
    // The rest is only written once the upstream has bytes: a buffering proxy would deadlock here.
    await Promise.race([upstreamHasBytes.then(() => events.push('upstream got bytes')), new Promise((r) => setTimeout(r, 5000))]);
    events.push('client sends the rest');
    for (let written = first.length; written < total; written += 1024 * 1024) {
      const chunk = randomBytes(1024 * 1024);
      sent.update(chunk);
      if (!body.write(chunk)) await new Promise((r) => body.once('drain', r));
    }
    body.end();
    const res = await pending;
    expect(events).toEqual(['upstream got bytes', 'client sends the rest']);
    expect(JSON.parse(res.body.toString())).toEqual({ bytes: total });
    expect(hash.digest('hex')).toBe(sent.digest('hex'));
  });

  it('streams a 30 MB download intact', async () => {
    const chunk = randomBytes(1024 * 1024);
    const expected = createHash('sha256');
    for (let i = 0; i < 30; i++) expected.update(chunk);
    upstream.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(30 * chunk.length) });
      let i = 0;
      const pump = () => {
        while (i < 30) {
          i++;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const res = await send(fig, { path: '/download' });
    expect(res.headers['content-length']).toBe(String(30 * chunk.length));
    expect(res.body.length).toBe(30 * chunk.length);
    expect(createHash('sha256').update(res.body).digest('hex')).toBe(expected.digest('hex'));
  });
});

describe('a client that goes away', () => {
  it('stops the upstream answer when the client closes mid-download (legacy sees its connection closed)', async () => {
    const chunk = randomBytes(64 * 1024);
    const upstreamClosed = new Promise<void>((resolve) => {
      upstream.handle((_req, res) => {
        // An endless chunked body: only fig aborting the upstream request ends it.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const timer = setInterval(() => res.write(chunk), 5);
        res.once('close', () => {
          clearInterval(timer);
          resolve();
        });
      });
    });
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${fig}/endless`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.once('error', (err) => (req.destroyed ? undefined : reject(err)));
    });
    await upstreamClosed;
    // fig keeps serving afterwards.
    upstream.handle((_req, res) => res.end('ok'));
    expect((await send(fig, { path: '/after' })).body.toString()).toBe('ok');
  });
});

describe('statuses without a body and redirects', () => {
  it('returns 204 with no body', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(204, { 'x-deleted': '1' });
      res.end();
    });
    const res = await send(fig, { method: 'DELETE', path: '/api/v1/things/1' });
    expect(res.status).toBe(204);
    expect(res.headers['x-deleted']).toBe('1');
    expect(res.body.length).toBe(0);
  });

  it('returns 304 with its ETag and no body, forwarding If-None-Match', async () => {
    upstream.handle((req, res) => {
      if (req.headers['if-none-match'] === '"v7"') {
        res.writeHead(304, { etag: '"v7"', 'cache-control': 'max-age=60' });
        res.end();
      } else res.end('fresh');
    });
    const res = await send(fig, { path: '/cached', headers: { 'if-none-match': '"v7"' } });
    expect(res.status).toBe(304);
    expect(res.headers.etag).toBe('"v7"');
    expect(res.headers['cache-control']).toBe('max-age=60');
    expect(res.body.length).toBe(0);
  });

  for (const location of ['/api/v1/elsewhere?x=%2F', 'https://other.example/login?next=%2Fa', '../relative']) {
    it(`returns a 302 with Location ${location} unchanged and does not follow it`, async () => {
      upstream.handle((_req, res) => {
        res.writeHead(302, { location });
        res.end();
      });
      const res = await send(fig, { path: '/go' });
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe(location);
      expect(upstream.seen).toHaveLength(1);
    });
  }
});

describe('legacy down, slow and back', () => {
  it('answers 504 problem+json when legacy is slower than PROXY_TIMEOUT_MS', async () => {
    upstream.handle(() => {
      /* never answers */
    });
    const res = await send(fig, { path: '/slow?x=1', headers: { 'x-request-id': 'slow-1' } });
    expect(res.status).toBe(504);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['x-request-id']).toBe('slow-1');
    expect(JSON.parse(res.body.toString())).toEqual({
      type: 'https://fig.dev/problems/fig-upstream-timeout',
      title: 'Gateway Timeout',
      status: 504,
      detail: 'The legacy service did not answer within 400 ms',
      instance: '/slow?x=1',
      request_id: 'slow-1',
      code: 'FIG_UPSTREAM_TIMEOUT',
    });
  });

  it('answers 502 problem+json while legacy is down and recovers by itself when it is back', async () => {
    await upstream.stop();
    try {
      for (const method of ['GET', 'POST']) {
        const res = await send(fig, { method, path: '/api/v1/x', headers: { 'x-request-id': `down-${method}`, 'content-type': 'application/json' }, body: method === 'POST' ? '{"a":1}' : undefined });
        expect(res.status).toBe(502);
        expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
        expect(res.headers['x-request-id']).toBe(`down-${method}`);
        expect(JSON.parse(res.body.toString())).toEqual({
          type: 'https://fig.dev/problems/fig-upstream-unavailable',
          title: 'Bad Gateway',
          status: 502,
          detail: 'The legacy service is unavailable (ECONNREFUSED)',
          instance: '/api/v1/x',
          request_id: `down-${method}`,
          code: 'FIG_UPSTREAM_UNAVAILABLE',
        });
      }
    } finally {
      await upstream.start();
    }
    const res = await send(fig, { path: '/api/v1/x' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('GET 0');
  });

  it('answers 502 when legacy drops the connection in the middle of a small body', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100', 'set-cookie': 'half=1', etag: '"half"' });
      res.write('{"partial":');
      setImmediate(() => res.socket?.destroy());
    });
    const res = await send(fig, { path: '/partial', headers: { 'x-request-id': 'partial-1' } });
    expect(res.status).toBe(502);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['x-request-id']).toBe('partial-1');
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: 502, code: 'FIG_UPSTREAM_UNAVAILABLE', request_id: 'partial-1', instance: '/partial' });
  });

  it('answers 504 when legacy stalls in the middle of a small body', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
    });
    const res = await send(fig, { path: '/stalled' });
    expect(res.status).toBe(504);
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: 504, code: 'FIG_UPSTREAM_TIMEOUT', instance: '/stalled' });
  });

  it('answers 502 when legacy drops the connection mid-request, and keeps serving', async () => {
    upstream.handle((req) => req.socket.destroy());
    const res = await send(fig, { method: 'POST', path: '/drop', body: 'x' });
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body.toString()).code).toBe('FIG_UPSTREAM_UNAVAILABLE');
    upstream.handle((_req, res2) => res2.end('alive'));
    expect((await send(fig, { path: '/after' })).body.toString()).toBe('alive');
  });
});

describe('reply.proxyLegacy() for other routes', () => {
  it('re-sends a body another parser already buffered, byte for byte (not re-serialised)', async () => {
    const body = '{ "b": 2,\n  "a": 1 }';
    const res = await send(fig, { method: 'POST', path: '/caller/buffered?k=v', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect(upstream.seen[0]!.url).toBe('/caller/buffered?k=v');
    expect(upstream.seen[0]!.body.toString()).toBe(body);
    expect(upstream.seen[0]!.headers['content-type']).toBe('application/json');
    expect(upstream.seen[0]!.headers['content-length']).toBe(String(body.length));
  });

  it('sends the body it is given instead of the request body', async () => {
    await send(fig, { method: 'POST', path: '/caller/replaced', headers: { 'content-type': 'text/plain' }, body: 'original' });
    expect(upstream.seen[0]!.body.toString()).toBe('replaced body');
    expect(upstream.seen[0]!.headers['content-type']).toBe('text/plain');
  });

  it("lets the caller take over the upstream's answer", async () => {
    captured.length = 0;
    upstream.handle((_req, res) => {
      res.writeHead(418, { 'x-teapot': 'yes' });
      res.end('short and stout');
    });
    const res = await send(fig, { path: '/caller/observed' });
    expect(captured).toEqual([{ status: 418, body: 'short and stout' }]);
    expect(res.status).toBe(418);
    expect(res.headers['x-teapot']).toBe('yes');
    expect(res.body.toString()).toBe('short and stout');
  });
});

describe('logging', () => {
  it('writes one access line per proxied request, with request id, status and route key', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) };
    const { app: logged } = await buildTestApp({ LEGACY_URL: upstream.url, LOG_LEVEL: 'info' }, { logger: { stream } });
    try {
      lines.length = 0;
      const res = await logged.inject({ url: '/api/v1/logged?x=1', headers: { 'x-request-id': 'log-1' } });
      expect(res.statusCode).toBe(200);
      const mine = lines.filter((l) => l.reqId === 'log-1');
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ level: 30, msg: 'request completed', method: 'GET', url: '/api/v1/logged?x=1', statusCode: 200, routeKey: 'UNMATCHED' });
    } finally {
      await logged.close();
    }
  });
});
