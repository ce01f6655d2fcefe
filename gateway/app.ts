import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config';
import { problemPlugin, sendProblem } from './plugins/problem';
import { infraPlugin } from './plugins/infra';
import { healthPlugin } from './plugins/health';
import { authPlugin } from './plugins/auth';
import { legacyProxyPlugin } from './proxy';
import { clientHeaderTrustPlugin } from './proxy/trust';
import { metricsPlugin } from './plugins/metrics';
import { swaggerPlugin } from './plugins/swagger';
import { staticPlugin } from './plugins/static';
import { routeTablePlugin, routingPlugin } from './routing';
import { modules as defaultModules } from './modules';
import type { FigModule } from '../modules/core/module';

export interface BuildOptions {
  /** Override the hosted modules (tests register deliberately slow or failing ones). */
  modules?: FigModule[];
  /** Pino logger options; false for silence in tests. */
  logger?: boolean | object;
}

/** Problem codes for the errors Fastify raises before routing (see frameworkErrors). */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_BAD_URL: 'FIG_BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'FIG_PATH_PARAM_TOO_LONG',
};

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Build the fig Fastify app: plugins, modules, route table dispatch and the legacy proxy. */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.LOG_LEVEL,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            ...(typeof opts.logger === 'object' ? opts.logger : {}),
          },
    // Keep a client's X-Request-Id; otherwise mint one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    bodyLimit: 50 * 1024 * 1024,
    // Cut clients that send their request slowly (slowloris): Node checks open connections every
    // connectionsCheckingInterval, so that is kept well under the headers timeout.
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: config.HEADERS_TIMEOUT_MS,
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.HEADERS_TIMEOUT_MS / 4))),
    },
    trustProxy: true,
    // Fastify's two lines per request ("incoming request", "request completed") cost about a third
    // of the proxy's CPU (bench/proxy); fig writes one access line per request instead (below).
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // A path Fastify cannot decode (malformed percent-encoding, e.g. /api/v1/x/%E0%A4%A) never
    // reaches a route, a hook or the legacy proxy: answer it as a problem like every other error.
    frameworkErrors: (err, request, reply) => {
      reply.header('x-request-id', request.id);
      const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 400;
      const code = FRAMEWORK_CODES[err.code] ?? 'FIG_BAD_REQUEST';
      request.log.info({ method: request.method, url: request.url, statusCode: status, code }, 'request refused before routing');
      const detail = code === 'FIG_BAD_URL' ? 'The request path is not valid percent-encoded UTF-8' : err.message;
      sendProblem(request, reply, status, code, detail);
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Every response carries its request id, whoever answers (legacy echoes the same id).
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  // One access line per request, with what an operator needs: request id, route key and mode.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        // Routed requests carry routeKey/routeMode in their child logger already (gateway/routing);
        // an unmatched path only has the proxy's 'UNMATCHED' key.
        ...(request.routeKey && !request.routeMode ? { routeKey: request.routeKey } : {}),
        tenantId: request.auth?.tenantId,
        responseTime: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request completed',
    );
    done();
  });

  await app.register(problemPlugin);
  await app.register(infraPlugin, { config });
  await app.register(clientHeaderTrustPlugin);
  await app.register(healthPlugin);
  await app.register(authPlugin, { config });
  const hosted = opts.modules ?? defaultModules;
  await app.register(routeTablePlugin, { modules: hosted });
  await app.register(metricsPlugin);
  await app.register(swaggerPlugin);

  for (const mod of hosted) {
    if (mod.plugin) await app.register(mod.plugin, { config });
  }
  // Legacy route keys some module serves: live mode → proxy or module (gateway/routing).
  await app.register(routingPlugin);

  // Last route owner: every path nothing above claimed goes to legacy, byte for byte.
  await app.register(legacyProxyPlugin);
  await app.register(staticPlugin);

  return app;
}
