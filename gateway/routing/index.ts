import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { FigModule } from '../../modules/core/module';
import { RouteTable } from './route-table';
import { RouteStatsRecorder } from './stats';
import { strategies } from './dispatch';
import { parseRouteKey, toFastifyPath } from './openapi';
import { fetchLegacyOpenApi, opsRoutes } from './ops-routes';
import type { ShadowPort, ShadowWiring } from './shadow-port';
import type { RouteMode } from './tables';
import { routeConfig } from '../plugins/route-config';

export { RouteTable } from './route-table';
export type { RouteMode } from './tables';
export type { ShadowPort, ShadowWiring, ShadowSample, ShadowRules, ShadowSkipReason } from './shadow-port';

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteTable;
    routeStats: RouteStatsRecorder;
  }
  interface FastifyRequest {
    /** Legacy route key this request matched ('GET /api/v1/invoices/{id}'), for logs and metrics. */
    routeKey?: string;
    /** Mode the request was dispatched with. */
    routeMode?: RouteMode;
  }
  interface FastifyContextConfig {
    /** Set on the routes the route table dispatches (one per served legacy route key). */
    routeKey?: string;
  }
}

/**
 * The route table service (`app.routeTable`) and request labelling: every request matching a
 * legacy route key gets `request.routeKey`/`routeMode` and a child logger carrying both. Also
 * records per-route recent stats for the console. Register right after infra.
 */
export const routeTablePlugin = fp<{ modules: FigModule[] }>(
  async (app, { modules }) => {
    const table = new RouteTable({
      db: app.db,
      redis: app.redis,
      log: app.log,
      redisPrefix: app.config.REDIS_PREFIX,
      reloadIntervalMs: app.config.ROUTE_RELOAD_INTERVAL_MS,
      modules,
    });
    const stats = new RouteStatsRecorder(app.redis, app.config.REDIS_PREFIX, app.log);
    app.decorate('routeTable', table);
    app.decorate('routeStats', stats);
    await table.start();
    stats.start();
    app.addHook('onClose', async () => {
      await table.stop();
      await stats.stop();
    });
    await autoImport(app, table);

    app.addHook('onRequest', (request, reply, done) => {
      const key = routeConfig(request).routeKey ?? table.match(request.method, request.url);
      if (key) {
        // Effective mode: a key no hosted module serves is always answered by legacy.
        const mode = table.servingModule(key) ? table.modeFor(key) : 'legacy';
        request.routeKey = key;
        request.routeMode = mode;
        // request.log is normally this request's own pino child (Fastify's, with reqId): adding the
        // bindings to it costs a fifth of creating another child (bench/profile).
        const log = request.log as typeof request.log & { setBindings?: (bindings: object) => void };
        if (log.setBindings && log !== app.log) log.setBindings({ routeKey: key, routeMode: mode });
        else request.log = reply.log = request.log.child({ routeKey: key, routeMode: mode });
      }
      done();
    });
    app.addHook('onResponse', (request, reply, done) => {
      if (request.routeKey && request.routeKey !== 'UNMATCHED' && table.find(request.routeKey)) {
        stats.record(request.routeKey, reply.statusCode, reply.elapsedTime);
      }
      done();
    });
  },
  { name: 'route-table', dependencies: ['infra'] },
);

/** Fill an empty table from the legacy OpenAPI document once at start; never fails the start. */
async function autoImport(app: FastifyInstance, table: RouteTable): Promise<void> {
  try {
    if ((await table.count()) > 0) return;
    const doc = await fetchLegacyOpenApi(app.config.LEGACY_URL, 3000);
    const result = await table.importOpenApi(doc);
    app.log.info(result, 'route table imported from the legacy OpenAPI document');
  } catch (err) {
    app.log.warn(
      { err: (err as Error).message, legacyUrl: app.config.LEGACY_URL },
      'route table is empty and the legacy OpenAPI document could not be imported; every request goes to legacy. Run `npm run fig -- routes import` once legacy is up',
    );
  }
}

/**
 * Dispatch and the ops API. For every legacy route key a hosted module serves, a Fastify route
 * at the same path reads the live mode and runs that mode's strategy (gateway/routing/dispatch.ts).
 * Its body is buffered raw, any content type, so legacy gets the same bytes and the module a copy.
 * Everything else falls through to the legacy proxy's catch-all. The HTTP shadow comes in as a
 * port (`shadow`, wired by gateway/app.ts); without one, shadow and canary answer as legacy.
 */
export const routingPlugin = fp<{ shadow?: ShadowWiring }>(
  async (app, opts) => {
    const table = app.routeTable;
    // The shadow (queue, gates, auto-rollback) before the routes whose strategies use it.
    let shadow: ShadowPort | undefined;
    if (opts.shadow) {
      await app.register(opts.shadow.plugin);
      shadow = opts.shadow.port(app);
      const port = shadow;
      table.setGateKeeper((route, input) => port.checkGate(route, input));
      table.setSettingsDefaults(port.defaultSettings ? (key) => port.defaultSettings!(key) : undefined);
      // Routes imported before the shadow was wired (the start-up import) get their family defaults now.
      await table.applyFamilyDefaults().catch((err: unknown) => app.log.warn({ err }, 'route family defaults not applied'));
      app.addHook('onClose', async () => {
        table.setGateKeeper(undefined);
        table.setSettingsDefaults(undefined);
      });
    }
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      for (const key of table.servedKeys()) {
        const { method, path } = parseRouteKey(key);
        const serving = table.servingModule(key)!;
        scope.route({
          method,
          url: toFastifyPath(path),
          schema: { hide: true },
          config: { routeKey: key },
          ...(serving.bodyLimit ? { bodyLimit: serving.bodyLimit } : {}),
          handler: (request, reply) => {
            const mode = request.routeMode ?? table.modeFor(key);
            if (mode === 'legacy') {
              // The usual case until a flip: straight to the proxy, no dispatch context, no promise
              // (the proxy answers; a sync handler that returns nothing leaves the reply to it).
              reply.proxyLegacy(Buffer.isBuffer(request.body) ? { body: request.body } : undefined);
              return;
            }
            return strategies[mode]({
              request,
              reply,
              routeKey: key,
              body: Buffer.isBuffer(request.body) ? request.body : undefined,
              serving,
              moduleContext: { db: app.db, redis: app.redis, config: app.config, log: request.log },
              shadow,
            });
          },
        });
      }
    });
    await app.register(opsRoutes, { shadow });
  },
  { name: 'routing', dependencies: ['route-table'] },
);
