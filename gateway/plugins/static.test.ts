import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildTestApp, legacyUrl } from '../../test/helpers';

describe('static SPA at /app/', () => {
  let app: FastifyInstance;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fig-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>fig console</title>');
    writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'console.log("fig")');
    ({ app } = await buildTestApp({ WEB_DIST_DIR: dir }));
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at /app/ and for any client route', async () => {
    for (const url of ['/app/', '/app/routes', '/app/routes/GET%20%2Fapi/history']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toBe('<!doctype html><title>fig console</title>');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves hashed assets as immutable and a missing asset as a 404 problem', async () => {
    const js = await app.inject({ url: '/app/assets/app-1234.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await app.inject({ url: '/app/assets/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'FIG_NOT_FOUND', detail: 'No such asset: /app/assets/nope.js' });
  });

  it('redirects /app to /app/ and leaves / to legacy', async () => {
    const redirect = await app.inject({ url: '/app' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/app/');
    // Proxied: the same status, body and server header as legacy's own answer for /.
    const [root, direct] = await Promise.all([app.inject({ url: '/' }), fetch(`${legacyUrl()}/`)]);
    expect(root.statusCode).toBe(direct.status);
    expect(root.body).toBe(await direct.text());
    expect(root.headers.server).toBe(direct.headers.get('server'));
  });
});
