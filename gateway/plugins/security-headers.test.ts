import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildTestApp, legacyUrl } from '../../test/helpers';

const SPA_CSP =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';connect-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none'";
const DOCS_CSP = SPA_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
const FIG_HEADERS = ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'strict-transport-security', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection'];

/** Headers a response must carry on fig's own routes (HSTS only when asked for). */
function expectFigHeaders(headers: Record<string, unknown>, csp = SPA_CSP) {
  expect({
    csp: headers['content-security-policy'],
    frame: headers['x-frame-options'],
    nosniff: headers['x-content-type-options'],
    referrer: headers['referrer-policy'],
    hsts: headers['strict-transport-security'],
  }).toEqual({ csp, frame: 'DENY', nosniff: 'nosniff', referrer: 'no-referrer', hsts: undefined });
}

/** The SPA as built: every script and stylesheet is a file; nothing inline for the CSP to refuse. */
function inlineCode(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (!/\bsrc=/.test(m[1]!) || m[2]!.trim()) found.push(`inline <script>${m[2]!.slice(0, 40)}`);
  }
  if (/<style\b/i.test(html)) found.push('<style> element');
  for (const m of html.matchAll(/\s(style|on[a-z]+)=/gi)) found.push(`${m[1]} attribute`);
  return found;
}

describe('security headers', () => {
  let app: FastifyInstance;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fig-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>fig</title><script type="module" src="/app/assets/i.js"></script>');
    writeFileSync(path.join(dir, 'assets', 'i.js'), 'export {}');
    ({ app } = await buildTestApp({ WEB_DIST_DIR: dir }));
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts a strict CSP, no framing, nosniff and no-referrer on SPA pages, including the link-token pages', async () => {
    for (const url of ['/app/', '/app/reset-password', '/app/accept-invitation', '/app/assets/i.js']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expectFigHeaders(res.headers);
    }
  });

  it('puts them on API routes, their problems and health', async () => {
    const problem = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'x@test.fig', password: 'wrong-password-123' } });
    expect(problem.statusCode).toBe(401);
    expectFigHeaders(problem.headers);
    const unauthorised = await app.inject({ url: '/_fig/routes' });
    expect(unauthorised.statusCode).toBe(401);
    expectFigHeaders(unauthorised.headers);
    expectFigHeaders((await app.inject({ url: '/healthz' })).headers);
  });

  it('gives /docs its own CSP (inline styles for Swagger UI) and still serves it', async () => {
    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expectFigHeaders(page.headers, DOCS_CSP);
    // Swagger UI's page loads only files, so script-src 'self' is enough.
    expect(inlineCode(page.body)).toEqual([]);
    const init = await app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(init.statusCode).toBe(200);
    const spec = await app.inject({ url: '/docs/json' });
    expect(spec.statusCode).toBe(200);
  });

  it('passes a proxied legacy response with exactly legacy\'s headers', async () => {
    const direct = await fetch(new URL('/health', legacyUrl()));
    await direct.arrayBuffer();
    const proxied = await app.inject({ url: '/health' });
    expect(proxied.statusCode).toBe(200);
    const names = (h: Iterable<string>) => [...h].filter((n) => !['date', 'x-request-id', 'connection', 'keep-alive'].includes(n)).sort();
    expect(names(Object.keys(proxied.headers))).toEqual(names(direct.headers.keys()));
    for (const h of FIG_HEADERS) expect(proxied.headers[h], h).toBeUndefined();
  });

  it('answers a cross-origin request with no CORS headers by default (same-origin only)', async () => {
    const res = await app.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('has no inline script or style in web/index.html or the built SPA', () => {
    const sources = [path.resolve('web/index.html'), path.resolve('web/dist/index.html')].filter((f) => existsSync(f));
    for (const file of sources) expect(inlineCode(readFileSync(file, 'utf8').replace(/<script type="module" src="\/src\/main.tsx"><\/script>/, '')), file).toEqual([]);
    expect(inlineCode('<script>alert(1)</script><div style="x"></div>')).toEqual(['inline <script>alert(1)', 'style attribute']);
  });
});

describe('security headers, configured', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestApp({ HSTS_ENABLED: '1', LEGACY_SECURITY_HEADERS: '1', CORS_ORIGINS: 'https://console.example,http://localhost:5173' }));
  });
  afterAll(() => app.close());

  it('sends HSTS when served over TLS (HSTS_ENABLED)', async () => {
    const res = await app.inject({ url: '/healthz' });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('adds the headers to legacy responses with LEGACY_SECURITY_HEADERS', async () => {
    const res = await app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect([res.headers['content-security-policy'], res.headers['x-frame-options'], res.headers['referrer-policy']]).toEqual([SPA_CSP, 'DENY', 'no-referrer']);
  });

  it('allows a listed origin with credentials, answers its preflight, and ignores any other origin', async () => {
    const ok = await app.inject({ url: '/healthz', headers: { origin: 'https://console.example' } });
    expect([ok.headers['access-control-allow-origin'], ok.headers['access-control-allow-credentials'], ok.headers.vary]).toEqual(['https://console.example', 'true', 'Origin']);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/auth/login',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect({
      origin: preflight.headers['access-control-allow-origin'],
      methods: preflight.headers['access-control-allow-methods'],
      headers: preflight.headers['access-control-allow-headers'],
      maxAge: preflight.headers['access-control-max-age'],
    }).toEqual({ origin: 'http://localhost:5173', methods: 'GET, HEAD, POST, PUT, PATCH, DELETE', headers: 'Authorization, Content-Type, X-Request-Id', maxAge: '600' });
    const other = await app.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    // Legacy answers for itself, even to a listed origin.
    const legacy = await app.inject({ url: '/health', headers: { origin: 'https://console.example' } });
    expect(legacy.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a CORS_ORIGINS entry that is not an origin', async () => {
    const { loadConfig } = await import('../config');
    expect(() => loadConfig({ CORS_ORIGINS: 'https://console.example/app' })).toThrow(/CORS_ORIGINS: must be comma-separated origins/);
  });
});
