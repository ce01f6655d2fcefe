import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../test/helpers';
import { ConfigError, loadConfig } from './config';

describe('config', () => {
  it('applies the documented defaults on a developer machine', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.LEGACY_URL).toBe('http://127.0.0.1:8000');
    expect(c.LEGACY_PYTHON).toBe('/usr/bin/python3');
    expect(c.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/fig');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.FIG_URL).toBe('http://127.0.0.1:8080');
  });

  it('points the CLI at this machine\'s PORT unless FIG_URL is set', () => {
    expect(loadConfig({ PORT: '9090' }).FIG_URL).toBe('http://127.0.0.1:9090');
    expect(loadConfig({ PORT: '0' }).FIG_URL).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ PORT: '9090', FIG_URL: 'http://fig.internal:80' }).FIG_URL).toBe('http://fig.internal:80');
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LEGACY_URL: 'not a url', DATABASE_URL: 'mysql://x', ADMIN_TOKEN: 'short' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['ADMIN_TOKEN', 'DATABASE_URL', 'LEGACY_URL', 'PORT']);
    expect((error as ConfigError).message).toContain('PORT');
  });
});

describe('health', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestApp());
  });
  afterAll(() => app.close());

  it('answers /healthz while the process is up', async () => {
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('reports every dependency on /readyz', async () => {
    const res = await app.inject('/readyz');
    const body = res.json();
    expect(Object.keys(body.checks).sort()).toEqual(['legacy', 'postgres', 'redis']);
    expect(body.checks.postgres.ok).toBe(true);
    expect(body.checks.redis.ok).toBe(true);
  });

  it('reports readyz failure with detail when legacy is unreachable', async () => {
    const { app: broken } = await buildTestApp({ LEGACY_URL: 'http://127.0.0.1:9' });
    try {
      const res = await broken.inject('/readyz');
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.legacy.ok).toBe(false);
      expect(res.json().status).toBe('not ready');
    } finally {
      await broken.close();
    }
  });
});

describe('request id', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestApp());
  });
  afterAll(() => app.close());

  it('answers fig\'s own routes with the client\'s X-Request-Id, or a fresh one', async () => {
    const kept = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const minted = await app.inject({ url: '/healthz' });
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const problem = await app.inject({ url: '/_fig/routes', headers: { 'x-request-id': 'abc-456' } });
    expect(problem.statusCode).toBe(401);
    expect(problem.headers['x-request-id']).toBe('abc-456');
    expect(problem.json().request_id).toBe('abc-456');
  });

  it('refuses a spoofed request id with unsafe characters and mints one', async () => {
    const res = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id\nwith newline' } });
    expect(res.headers['x-request-id']).not.toContain('bad');
  });
});

describe('a path Fastify cannot decode', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestApp());
  });
  afterAll(() => app.close());

  it.each(['/api/v1/invoices/%E0%A4%A', '/%', '/_fig/%', '/api/v1/invoices/%E0%A4'])('answers %s with a problem carrying the request id', async (url) => {
    const res = await app.inject({ url, headers: { 'x-request-id': 'bad-url-1' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['x-request-id']).toBe('bad-url-1');
    expect(res.json()).toEqual({
      type: 'https://fig.dev/problems/fig-bad-url',
      title: 'Bad Request',
      status: 400,
      detail: 'The request path is not valid percent-encoded UTF-8',
      instance: url,
      request_id: 'bad-url-1',
      code: 'FIG_BAD_URL',
    });
  });
});
