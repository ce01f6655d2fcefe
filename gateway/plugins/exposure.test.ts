import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildTestApp } from '../../test/helpers';
import { loginAs } from '../../test/auth';

const METRICS_TOKEN = 'metrics-token-0123456789';

describe('what fig exposes, restricted by config', () => {
  let app: FastifyInstance;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fig-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>fig</title>');
    writeFileSync(path.join(dir, 'assets', 'i.js'), 'export {}\n//# sourceMappingURL=i.js.map');
    writeFileSync(path.join(dir, 'assets', 'i.js.map'), '{"version":3,"sources":["secret.tsx"]}');
    ({ app } = await buildTestApp({ WEB_DIST_DIR: dir, DOCS_ENABLED: '0', METRICS_TOKEN, SOURCE_MAPS: '0' }));
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not serve /docs with DOCS_ENABLED=0 (nor passes it to legacy)', async () => {
    for (const url of ['/docs', '/docs/', '/docs/json']) {
      const res = await app.inject({ url, headers: { 'x-request-id': 'docs-off' } });
      expect(res.json(), url).toEqual({
        type: 'https://fig.dev/problems/fig-not-found',
        title: 'Not Found',
        status: 404,
        detail: 'The API documentation is disabled on this gateway (DOCS_ENABLED=0)',
        instance: url,
        request_id: 'docs-off',
        code: 'FIG_NOT_FOUND',
      });
    }
  });

  it('needs METRICS_TOKEN for /metrics', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${METRICS_TOKEN}`]) {
      const res = await app.inject({ url: '/metrics', headers: { 'x-request-id': 'metrics-1', ...(authorization ? { authorization } : {}) } });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.json()).toEqual({
        type: 'https://fig.dev/problems/fig-unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: 'The metrics need `Authorization: Bearer <METRICS_TOKEN>`',
        instance: '/metrics',
        request_id: 'metrics-1',
        code: 'FIG_UNAUTHORIZED',
      });
    }
    const ok = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('fig_http_requests_total');
  });

  it('does not serve source maps with SOURCE_MAPS=0, but serves the bundle', async () => {
    expect((await app.inject({ url: '/app/assets/i.js' })).statusCode).toBe(200);
    for (const url of ['/app/assets/i.js.map', '/app/assets/i.js.map?x=1']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('secret.tsx');
    }
  });
});

describe('request bodies on fig\'s own routes', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestApp());
  });
  afterAll(() => app.close());

  it('refuses a JSON body over 1 MB with a 413 problem', async () => {
    const hr = await loginAs(app, { roles: ['hr'] });
    const url = `/api/v1/tenants/${hr.tenantId}/bonus-plans`;
    const payload = JSON.stringify({ name: 'big', description: 'x'.repeat(1_048_576) });
    const res = await app.inject({ method: 'POST', url, headers: { ...hr.headers, 'content-type': 'application/json', 'x-request-id': 'too-big' }, payload });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({
      type: 'https://fig.dev/problems/fst-err-ctp-body-too-large',
      title: 'Payload Too Large',
      status: 413,
      detail: 'Request body is too large',
      instance: url,
      request_id: 'too-big',
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
  });

  it('still passes a body over 1 MB through to legacy (proxied bodies stream)', async () => {
    const payload = JSON.stringify({ blob: 'y'.repeat(2 * 1_048_576) });
    const res = await app.inject({ method: 'POST', url: '/api/v1/_diag/echo', headers: { 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(200);
    expect(res.json().body_length).toBe(Buffer.byteLength(payload));
  });
});

describe('/readyz', () => {
  it('says which dependency failed, and keeps the error text in the log', async () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => lines.push(line) };
    const { app } = await buildTestApp({ LEGACY_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'warn' }, { logger: { stream } });
    try {
      const res = await app.inject('/readyz');
      expect(res.statusCode).toBe(503);
      const body = res.json();
      expect(body.status).toBe('not ready');
      expect(body.checks.legacy).toEqual({ ok: false, ms: expect.any(Number) });
      expect(body.checks.postgres).toEqual({ ok: true, ms: expect.any(Number) });
      expect(JSON.stringify(body)).not.toMatch(/fetch failed|ECONNREFUSED|127\.0\.0\.1/);
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'readiness check failed');
      expect(logged).toMatchObject({ dependency: 'legacy', err: { message: 'fetch failed: bad port' } });
    } finally {
      await app.close();
    }
  });
});
