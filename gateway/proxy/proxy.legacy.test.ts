import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, legacyUrl } from '../../test/helpers';
import { rawValues, send } from './client.test-helper';

/** End to end against the real legacy FastAPI service started by the test setup. */
let app: FastifyInstance;
let fig: string;

interface Echo {
  method: string;
  raw_path: string;
  query_string: string;
  url: string;
  headers: [string, string][];
  body_length: number;
  body_sha256: string;
}

const header = (echo: Echo, name: string) => echo.headers.filter(([k]) => k === name).map(([, v]) => v);

beforeAll(async () => {
  ({ app } = await buildTestApp({ PROXY_TIMEOUT_MS: '700' }));
  fig = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => app?.close());

describe('through fig to the legacy service', () => {
  it('creates a session and returns both Set-Cookie headers apart', async () => {
    const res = await send(fig, { method: 'POST', path: '/api/v1/sessions', headers: { 'content-type': 'application/json' }, body: '{"data":{"cart":[1,2]}}' });
    expect(res.status).toBe(201);
    const cookies = rawValues(res.rawHeaders, 'set-cookie');
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^legacy_session=[0-9a-f]{32}; HttpOnly; Max-Age=\d+; Path=\/; SameSite=lax$/);
    expect(cookies[1]).toBe('legacy_seen=1; Path=/; SameSite=lax');
    expect(JSON.parse(res.body.toString()).data).toEqual({ cart: [1, 2] });
  });

  it("passes legacy's own 404 body through unchanged", async () => {
    const res = await send(fig, { path: '/api/v1/no-such-thing?x=1' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.toString()).toBe('{"detail":"Not Found"}');
  });

  it('delivers path, query, body and forwarding headers to legacy exactly', async () => {
    const target = '/api/v1/_diag/echo?a=%2F&a=b+c&empty=&u=%E2%82%AC';
    const body = '{"amount":"10.50"}';
    const res = await send(fig, {
      method: 'PATCH',
      path: target,
      headers: { 'content-type': 'application/json', 'x-request-id': 'e2e-1', 'x-forwarded-for': '198.51.100.7' },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('e2e-1');
    const echo = JSON.parse(res.body.toString()) as Echo;
    expect(echo.method).toBe('PATCH');
    expect(echo.url).toBe(target);
    expect(echo.body_length).toBe(body.length);
    expect(echo.body_sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(header(echo, 'x-request-id')).toEqual(['e2e-1']);
    // The harness trusts loopback as a front proxy (TRUSTED_PROXIES): its X-Forwarded-For is kept
    // and the peer appended (an untrusted client's is replaced: proxy.test.ts, transparency.test.ts).
    expect(header(echo, 'x-forwarded-for')).toEqual(['198.51.100.7, 127.0.0.1']);
    expect(header(echo, 'traceparent')[0]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(header(echo, 'host')).toEqual([new URL(legacyUrl()).host]);
  });

  it('returns the gzip body byte for byte as legacy sends it', async () => {
    const [direct, proxied] = await Promise.all([send(legacyUrl(), { path: '/api/v1/_diag/gzip' }), send(fig, { path: '/api/v1/_diag/gzip' })]);
    expect(proxied.headers['content-encoding']).toBe('gzip');
    expect(proxied.headers['content-length']).toBe(direct.headers['content-length']);
    expect(proxied.body.equals(direct.body)).toBe(true);
  });

  it('streams the NDJSON chunks legacy sends', async () => {
    const res = await send(fig, { path: '/api/v1/_diag/stream?chunks=3&delay_ms=20' });
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.body.toString()).toBe('{"chunk": 0, "of": 3}\n{"chunk": 1, "of": 3}\n{"chunk": 2, "of": 3}\n');
  });

  it('returns the redirect and the 304 as legacy answers them', async () => {
    const redirect = await send(fig, { path: '/api/v1/_diag/redirect' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('/api/v1/_diag/echo?from=redirect');
    const notModified = await send(fig, { path: '/api/v1/_diag/not-modified', headers: { 'if-none-match': '"legacy-diag-v1"' } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.etag).toBe('"legacy-diag-v1"');
    expect(notModified.body.length).toBe(0);
  });

  it("rewrites legacy's trailing-slash redirect to the origin the client used, not legacy's", async () => {
    const direct = await send(legacyUrl(), { path: '/api/v1/customers/?limit=1' });
    expect(direct.status).toBe(307);
    expect(direct.headers.location).toBe(`${legacyUrl()}/api/v1/customers?limit=1`);
    const proxied = await send(fig, { path: '/api/v1/customers/?limit=1' });
    expect(proxied.status).toBe(307);
    expect(proxied.headers.location).toBe(`${fig}/api/v1/customers?limit=1`);
    const named = await send(fig, { path: '/api/v1/customers/', headers: { host: 'api.example.com' } });
    expect(named.headers.location).toBe('http://api.example.com/api/v1/customers');
  });

  it('streams a 30 MB upload to legacy intact', async () => {
    const body = randomBytes(30 * 1024 * 1024);
    const res = await send(fig, { method: 'POST', path: '/api/v1/_diag/upload', headers: { 'content-type': 'application/octet-stream' }, body });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('answers 504 problem+json when legacy is slower than the proxy timeout', async () => {
    const res = await send(fig, { path: '/api/v1/_diag/slow?ms=3000', headers: { 'x-request-id': 'e2e-slow' } });
    expect(res.status).toBe(504);
    expect(JSON.parse(res.body.toString())).toEqual({
      type: 'https://fig.dev/problems/fig-upstream-timeout',
      title: 'Gateway Timeout',
      status: 504,
      detail: 'The legacy service did not answer within 700 ms',
      instance: '/api/v1/_diag/slow?ms=3000',
      request_id: 'e2e-slow',
      code: 'FIG_UPSTREAM_TIMEOUT',
    });
  });
});
