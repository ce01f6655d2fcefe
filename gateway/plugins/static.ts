import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sendProblem } from './problem';

/**
 * The SPA at /app/: files from WEB_DIST_DIR, and index.html for any other /app/* path (client
 * routing) and for the client portal's /portal/* pages. Without a build, /app/* answers a 503 problem saying how to build it. `/` stays
 * with legacy (fig is transparent; legacy owns every path fig does not). SOURCE_MAPS=0 hides *.map.
 */
export const staticPlugin = fp(
  async (app) => {
    const root = path.resolve(app.config.WEB_DIST_DIR);
    const built = existsSync(path.join(root, 'index.html'));
    await app.register(async (scope) => {
      if (!built) {
        const missing = (request: Parameters<typeof sendProblem>[0], reply: Parameters<typeof sendProblem>[1]) =>
          sendProblem(
            request,
            reply,
            503,
            'FIG_SPA_NOT_BUILT',
            `The web console is not built (no index.html in ${root}). Run \`npm run web:build\` and restart the gateway.`,
          );
        scope.get('/app', { schema: { hide: true } }, missing);
        scope.get('/app/*', { schema: { hide: true } }, missing);
        scope.get('/portal/*', { schema: { hide: true } }, missing);
        return;
      }
      if (!app.config.SOURCE_MAPS) {
        // SOURCE_MAPS=0: the built .map files (the SPA's original source) are not served.
        scope.addHook('onRequest', (request, reply, done) => {
          if (request.url.split('?')[0]!.endsWith('.map')) {
            sendProblem(request, reply, 404, 'FIG_NOT_FOUND', `No such asset: ${request.url}`);
            return;
          }
          done();
        });
      }
      await scope.register(fastifyStatic, { root, prefix: '/app/', wildcard: false, index: ['index.html'], redirect: true, cacheControl: false });
      // Hashed assets are immutable; index.html must revalidate so a deploy is picked up at once.
      scope.addHook('onSend', async (request, reply) => {
        if (request.url.startsWith('/app/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
        else if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-cache');
      });
      scope.get('/app/*', { schema: { hide: true } }, (request, reply) => {
        // A missing asset is a 404, not the SPA shell (a broken build must be visible).
        if (request.url.startsWith('/app/assets/')) {
          return sendProblem(request, reply, 404, 'FIG_NOT_FOUND', `No such asset: ${request.url}`);
        }
        return reply.sendFile('index.html', root);
      });
      // The client portal (/portal/{slug}/…, ADR 0027) is the same bundle with its own layout.
      scope.get('/portal/*', { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html', root));
    });
  },
  { name: 'static', dependencies: ['infra'] },
);
