import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { routeConfig } from './route-config';

describe('routeConfig', () => {
  it("returns the matched route's own config object (with url and method) and the 404 route's for an unmatched path", async () => {
    const app = Fastify();
    const seen: { url: string; same: boolean; config: unknown }[] = [];
    app.addHook('onRequest', (request, _reply, done) => {
      const config = routeConfig(request);
      seen.push({ url: request.url, same: config === request.routeOptions.config, config: { ...config } });
      done();
    });
    app.get('/things/:id', { config: { routeKey: 'GET /things/{id}' } }, async () => 'ok');
    try {
      expect((await app.inject({ url: '/things/7' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/nowhere' })).statusCode).toBe(404);
      expect(seen).toEqual([
        { url: '/things/7', same: true, config: { routeKey: 'GET /things/{id}', url: '/things/:id', method: 'GET' } },
        { url: '/nowhere', same: true, config: {} },
      ]);
    } finally {
      await app.close();
    }
  });
});
