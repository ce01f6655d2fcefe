import { METHODS } from 'node:http';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/helpers';
import { startTestUpstream, type TestUpstream } from './test-upstream';
import { rawValues, send } from './client.test-helper';
import type { FigModule } from '../../modules/core/module';

/** A module route that shows what fig's own handlers see of the client's headers. */
const headerProbe: FigModule = {
  name: 'header-probe',
  plugin: async (scope) => {
    scope.get('/probe/headers', async (request) => ({
      ip: request.ip,
      xFigShadow: request.headers['x-fig-shadow'] ?? null,
      xForwardedFor: request.headers['x-forwarded-for'] ?? null,
    }));
  },
};

let upstream: TestUpstream;
let app: FastifyInstance;
let fig: string;
let databaseUrl: string;

beforeAll(async () => {
  upstream = await startTestUpstream();
  const built = await buildTestApp({ LEGACY_URL: upstream.url, TRUSTED_PROXIES: '' }, { modules: [headerProbe] });
  app = built.app;
  databaseUrl = built.config.DATABASE_URL;
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

describe('every method the HTTP parser accepts', () => {
  // CONNECT never reaches a request handler in Node (it is a tunnel); HEAD has no body to echo.
  // GET and TRACE must not carry content (fig never forwards one; RFC 9110 §9.3.1, §9.3.8).
  const methods = METHODS.filter((m) => !['CONNECT', 'HEAD', 'GET', 'TRACE'].includes(m));
  for (const method of methods) {
    it(`forwards ${method} to legacy with its body`, async () => {
      const body = `<${method.toLowerCase()}/>`;
      const res = await send(fig, { method, path: '/dav/res?x=1', headers: { 'content-type': 'application/xml' }, body });
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe(`${method} ${body.length}`);
      expect(upstream.seen.map((s) => [s.method, s.url, s.body.toString()])).toEqual([[method, '/dav/res?x=1', body]]);
    });
  }

  for (const method of ['PURGE', 'TRACE', 'QUERY', 'LOCK']) {
    it(`forwards ${method} without a body or Content-Type`, async () => {
      const res = await send(fig, { method, path: '/api/v1/cached' });
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe(`${method} 0`);
      expect(upstream.seen[0]!.headers['content-type']).toBeUndefined();
    });
  }
});

describe('statuses without a body keep their headers', () => {
  it('returns a 204 with the Content-Type and other headers legacy sent', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(204, { 'content-type': 'application/json', 'x-deleted': '1', etag: '"gone"' });
      res.end();
    });
    const res = await send(fig, { method: 'DELETE', path: '/api/v1/things/1' });
    expect(res.status).toBe(204);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-deleted']).toBe('1');
    expect(res.headers.etag).toBe('"gone"');
    expect(res.body.length).toBe(0);
  });

  it('returns a 304 with the Content-Type, ETag, Vary and caching headers legacy sent', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(304, { 'content-type': 'application/json', etag: '"v7"', vary: 'Accept', 'cache-control': 'max-age=60' });
      res.end();
    });
    const res = await send(fig, { path: '/cached', headers: { 'if-none-match': '"v7"' } });
    expect(res.status).toBe(304);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers.etag).toBe('"v7"');
    expect(res.headers.vary).toBe('Accept');
    expect(res.headers['cache-control']).toBe('max-age=60');
    expect(res.body.length).toBe(0);
  });
});

describe('repeated request headers', () => {
  it('reach legacy as separate lines, in order, as the client sent them', async () => {
    await send(fig, { path: '/multi', headers: { 'x-multi': ['a', 'b'], accept: ['text/html', 'application/json'], 'x-single': 'one' } });
    const raw = upstream.seen[0]!.rawHeaders;
    expect(rawValues(raw, 'x-multi')).toEqual(['a', 'b']);
    expect(rawValues(raw, 'accept')).toEqual(['text/html', 'application/json']);
    expect(rawValues(raw, 'x-single')).toEqual(['one']);
  });

  it('keeps a header the client sent once with a comma as one line', async () => {
    await send(fig, { path: '/multi', headers: { 'x-multi': 'a, b' } });
    expect(rawValues(upstream.seen[0]!.rawHeaders, 'x-multi')).toEqual(['a, b']);
  });
});

describe('redirects pointing at the upstream', () => {
  it('rewrites Location and Content-Location on the upstream origin to the origin the client used', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(307, { location: `${upstream.url}/api/v1/customers?page=2`, 'content-location': `${upstream.url}/api/v1/customers/7` });
      res.end();
    });
    const res = await send(fig, { path: '/api/v1/customers/', headers: { host: 'api.example.com' } });
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe('http://api.example.com/api/v1/customers?page=2');
    expect(res.headers['content-location']).toBe('http://api.example.com/api/v1/customers/7');
  });

  it('rewrites the bare upstream origin to the client origin root', async () => {
    upstream.handle((_req, res) => {
      res.writeHead(302, { location: upstream.url });
      res.end();
    });
    const res = await send(fig, { path: '/x' });
    expect(res.headers.location).toBe(`${fig}/`);
  });

  for (const location of ['/api/v1/elsewhere', '../up', 'https://other.example/x']) {
    it(`leaves Location ${location} (not the upstream) unchanged`, async () => {
      upstream.handle((_req, res) => {
        res.writeHead(302, { location });
        res.end();
      });
      expect((await send(fig, { path: '/x' })).headers.location).toBe(location);
    });
  }

  it('leaves a Location on the upstream host but another port unchanged', async () => {
    const other = `http://127.0.0.1:${upstream.port + 1}/x`;
    upstream.handle((_req, res) => {
      res.writeHead(302, { location: other });
      res.end();
    });
    expect((await send(fig, { path: '/x' })).headers.location).toBe(other);
  });
});

describe('headers only a trusted proxy may send', () => {
  const spoofed = { 'x-fig-shadow': 'module', 'x-fig-anything': '1', 'x-forwarded-for': '203.0.113.9', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'for=203.0.113.9', host: 'api.example.com' };

  it('are dropped from an untrusted client before proxying; fig sets its own', async () => {
    await send(fig, { path: '/h', headers: spoofed });
    const h = upstream.seen[0]!.headers;
    expect(Object.keys(h).filter((k) => k.startsWith('x-fig-'))).toEqual([]);
    expect(h.forwarded).toBeUndefined();
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(h['x-forwarded-host']).toBe('api.example.com');
    expect(h['x-forwarded-proto']).toBe('http');
  });

  it("are dropped before fig's own handlers see them (request.ip is the peer)", async () => {
    const res = await send(fig, { path: '/probe/headers', headers: spoofed });
    expect(JSON.parse(res.body.toString())).toEqual({ ip: '127.0.0.1', xFigShadow: null, xForwardedFor: null });
  });

  it('are dropped when repeated, too', async () => {
    await send(fig, { path: '/h', headers: { 'x-fig-shadow': ['a', 'b'], 'x-forwarded-for': ['203.0.113.9', '198.51.100.1'] } });
    const raw = upstream.seen[0]!.rawHeaders;
    expect(rawValues(raw, 'x-fig-shadow')).toEqual([]);
    expect(rawValues(raw, 'x-forwarded-for')).toEqual(['127.0.0.1']);
  });

  it('are kept (X-Forwarded-For appended) from a peer in TRUSTED_PROXIES', async () => {
    const { app: trusting } = await buildTestApp({ LEGACY_URL: upstream.url, DATABASE_URL: databaseUrl, TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' });
    try {
      const url = await trusting.listen({ host: '127.0.0.1', port: 0 });
      await send(url, { path: '/h', headers: spoofed });
      const h = upstream.seen.find((s) => s.url === '/h')!.headers;
      expect(h['x-fig-shadow']).toBe('module');
      expect(h['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
      expect(h['x-forwarded-host']).toBe('evil.example');
      expect(h['x-forwarded-proto']).toBe('https');
    } finally {
      await trusting.close();
    }
  });
});

/** Open a raw socket, send `head`, then one byte of `drip` every `everyMs`; resolve with what came back and when the socket closed. */
function slowClient(url: string, head: string, drip: string, everyMs: number): Promise<{ response: string; closedAfterMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(Number(port), hostname);
    let response = '';
    let i = 0;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (response += d));
    socket.on('error', () => undefined);
    socket.write(head);
    const timer = setInterval(() => {
      if (socket.destroyed) return;
      socket.write(drip[i % drip.length]!);
      i++;
    }, everyMs);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ response, closedAfterMs: performance.now() - started });
    });
    // Never longer than 5 s: the assertion below then fails instead of the test hanging.
    setTimeout(() => socket.destroy(), 5_000).unref();
  });
}

describe('slow clients', () => {
  let strict: FastifyInstance;
  let strictUrl: string;
  beforeAll(async () => {
    ({ app: strict } = await buildTestApp({ LEGACY_URL: upstream.url, DATABASE_URL: databaseUrl, HEADERS_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '1000' }));
    strictUrl = await strict.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => strict?.close());

  it('cuts a client that sends its headers a byte at a time (408 within the headers timeout)', async () => {
    const { response, closedAfterMs } = await slowClient(strictUrl, 'GET /api/v1/x HTTP/1.1\r\nHost: a\r\n', 'X-Slow: aaaaaaaaaaaaaaaa\r\n', 100);
    expect(response).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(450);
    expect(closedAfterMs).toBeLessThan(2_000);
    expect(upstream.seen).toHaveLength(0);
  });

  it('cuts a client that sends its body a byte at a time (408 within the request timeout)', async () => {
    const { response, closedAfterMs } = await slowClient(strictUrl, 'POST /api/v1/x HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n', 'b', 100);
    expect(response).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(950);
    expect(closedAfterMs).toBeLessThan(2_500);
  });

  it('refuses a request timeout shorter than the headers timeout at start', async () => {
    await expect(buildTestApp({ DATABASE_URL: databaseUrl, HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '1000' })).rejects.toThrow(
      'REQUEST_TIMEOUT_MS: must be 0 or at least HEADERS_TIMEOUT_MS (5000) (got "1000")',
    );
  });
});
