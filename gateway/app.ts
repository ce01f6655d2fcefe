import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config';
import { problemPlugin, sendProblem } from './plugins/problem';
import { infraPlugin } from './plugins/infra';
import { loadSheddingPlugin } from './plugins/load-shedding';
import { healthPlugin } from './plugins/health';
import { authPlugin } from './plugins/auth';
import { legacyProxyPlugin } from './proxy';
import { clientHeaderTrustPlugin } from './proxy/trust';
import { metricsPlugin } from './plugins/metrics';
import { swaggerPlugin } from './plugins/swagger';
import { staticPlugin } from './plugins/static';
import { clientAddressPlugin, requestIdGenerator, trustProxyOption } from './plugins/client-address';
import { securityHeadersPlugin } from './plugins/security-headers';
import { nulGuardPlugin } from './plugins/nul-guard';
import { routeTablePlugin, routingPlugin } from './routing';
import { modules as defaultModules } from './modules';
import type { FigModule } from '../modules/core/module';
import { redactUrlSecrets } from '../modules/identity/index';
import { httpShadow } from '../legacy-shadow/index';
import { queueMetricsPlugin } from './telemetry/queue-metrics';

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
    // Keep the X-Request-Id of a trusted proxy when it is well formed; otherwise mint one.
    genReqId: requestIdGenerator(config),
    // Buffered legacy-route bodies (gateway/routing); fig's own JSON and text bodies are capped
    // lower by their parsers below, and proxied bodies stream without a cap.
    bodyLimit: 50 * 1024 * 1024,
    // Cut clients that send their request slowly (slowloris): Node checks open connections every
    // connectionsCheckingInterval, so that is kept well under the headers timeout.
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: config.HEADERS_TIMEOUT_MS,
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.HEADERS_TIMEOUT_MS / 4))),
    },
    // Only TRUSTED_PROXIES may set the client address through X-Forwarded-For.
    trustProxy: trustProxyOption(config),
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
      request.log.info({ method: request.method, url: redactUrlSecrets(request.url), statusCode: status, code }, 'request refused before routing');
      const detail = code === 'FIG_BAD_URL' ? 'The request path is not valid percent-encoded UTF-8' : err.message;
      sendProblem(request, reply, status, code, detail);
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // fig's own routes parse JSON and text up to JSON_BODY_LIMIT_BYTES (a route may set a larger
  // bodyLimit). Scopes that replace every parser (the proxy, legacy dispatch) are not affected.
  const jsonLimit = config.JSON_BODY_LIMIT_BYTES;
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: jsonLimit }, jsonParser);
  app.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: jsonLimit }, (_request, body, done) => done(null, body));

  // Every response carries its request id, whoever answers (legacy echoes the same id).
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  // One access line per request, with what an operator needs: request id, route key and mode.
  app.addHook('onResponse', (request, reply, done) => {
    const url = request.url;
    // Both redaction patterns need a '?' or '&': a URL with neither is logged as it is, without
    // the two regex passes and copies.
    const logged = url.indexOf('?') === -1 && url.indexOf('&') === -1 ? url : redactUrlSecrets(url);
    const responseTime = Math.round(reply.elapsedTime * 100) / 100;
    // Routed requests carry routeKey/routeMode in their child logger already (gateway/routing);
    // an unmatched path only has the proxy's 'UNMATCHED' key. One object literal per case (no spread).
    if (request.routeKey && !request.routeMode) {
      request.log.info(
        { method: request.method, url: logged, statusCode: reply.statusCode, routeKey: request.routeKey, tenantId: request.auth?.tenantId, responseTime },
        'request completed',
      );
    } else {
      request.log.info({ method: request.method, url: logged, statusCode: reply.statusCode, tenantId: request.auth?.tenantId, responseTime }, 'request completed');
    }
    done();
  });

  await app.register(problemPlugin);
  await app.register(infraPlugin, { config });
  // Early: an overloaded gateway refuses new work before spending anything on it (503 + Retry-After).
  await app.register(loadSheddingPlugin);
  // First: forwarding and x-fig-* headers of untrusted peers are dropped before anything reads them.
  await app.register(clientHeaderTrustPlugin);
  // Before auth: rate limits key on request.ip, and a 401 carries the security headers too.
  await app.register(clientAddressPlugin);
  await app.register(securityHeadersPlugin);
  await app.register(nulGuardPlugin);
  await app.register(healthPlugin);
  await app.register(authPlugin, { config });
  const hosted = opts.modules ?? defaultModules;
  await app.register(routeTablePlugin, { modules: hosted });
  await app.register(metricsPlugin);
  await app.register(queueMetricsPlugin, { modules: hosted });
  await app.register(swaggerPlugin);

  for (const mod of hosted) {
    if (mod.plugin) await app.register(mod.plugin, { config });
  }
  // Legacy route keys some module serves: live mode → proxy or module (gateway/routing).
  await app.register(routingPlugin, { shadow: httpShadow });

  // Last route owner: every path nothing above claimed goes to legacy, byte for byte.
  await app.register(legacyProxyPlugin);
  await app.register(staticPlugin);

  return app;
}
