import fp from 'fastify-plugin';
import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { METHODS, type IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import type { Registry } from 'prom-client';
import { sendProblem } from '../plugins/problem';
import { stripHopByHop, upstreamRequestHeaders } from './headers';
import { CircuitBreaker, isUnreachable } from './circuit-breaker';
import { UpstreamQueue } from './upstream-queue';

/** What the upstream answered, before fig sends it on (see ProxyLegacyOptions.onResponse). */
export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  stream: Readable;
}

export interface ProxyLegacyOptions {
  /** Send these bytes instead of the request's own body (e.g. a body already read for shadowing). */
  body?: Buffer;
  /**
   * Take over the answer: called once the upstream's status and headers are known (already copied
   * onto `reply`, hop-by-hop removed); it must send `res.stream` (or something else) itself.
   */
  onResponse?: (request: FastifyRequest, reply: FastifyReply, res: UpstreamResponse) => void;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Forward the current request to LEGACY_URL byte-transparently and stream the answer back. */
    proxyLegacy(opts?: ProxyLegacyOptions): FastifyReply;
  }
}

/** Problem codes of the proxy. */
export const UPSTREAM_UNAVAILABLE = 'FIG_UPSTREAM_UNAVAILABLE';
export const UPSTREAM_TIMEOUT = 'FIG_UPSTREAM_TIMEOUT';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT']);
/** A pooled keep-alive connection the upstream closed just as we reused it: safe to retry once. */
const STALE_SOCKET_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Per-request state, kept on the request under symbols (no closures per request). */
const kStarted = Symbol('fig.proxy.started');
const kOnResponse = Symbol('fig.proxy.onResponse');
const kHiddenContentType = Symbol('fig.proxy.contentType');
/** The upstream's response headers as fig sends them (hop-by-hop removed), for a custom onResponse. */
const kResponseHeaders = Symbol('fig.proxy.responseHeaders');
/** Carries the raw request target from rewriteRequestHeaders to the dispatcher (see rawPathDispatcher). */
const kRawPath = Symbol('fig.proxy.rawPath');

interface ProxyState {
  [kStarted]?: number;
  [kOnResponse]?: ProxyLegacyOptions['onResponse'];
  /** The client's Content-Type while Fastify sees a neutral one; null: the client sent none. */
  [kHiddenContentType]?: string | null;
  [kResponseHeaders]?: UpstreamResponse['headers'];
  routeKey?: string;
}

interface MetricsLike {
  upstreamLatency?: { observe: (labels: Record<string, string | number>, seconds: number) => void };
}

/**
 * reply-from builds the upstream path with `new URL()`, which normalises dot segments and
 * re-encodes characters. fig must forward the request target exactly as received, so this thin
 * dispatcher swaps in the raw target that rewriteRequestHeaders smuggled in under a symbol key.
 */
function rawPathDispatcher(pool: Pool, basePath: string) {
  return {
    request(opts: Dispatcher.RequestOptions & { headers: Record<string | symbol, unknown> }, cb: (err: Error | null, data?: Dispatcher.ResponseData) => void) {
      const raw = opts.headers[kRawPath];
      if (typeof raw === 'string') {
        delete opts.headers[kRawPath];
        opts.path = basePath + raw;
      }
      return pool.request(opts as Dispatcher.RequestOptions, cb as never);
    },
  };
}

/**
 * Node joins a request header sent more than once into one value (`a, b`); a proxy forwards the
 * lines as received. Only when the raw list is longer than the joined map (some name repeated) are
 * the repeats rebuilt from rawHeaders, as arrays undici sends as separate lines. Headers fig set or
 * removed itself (Host, framing, dropped ones) are left as they are.
 */
const KEEP_JOINED = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'x-request-id', 'traceparent', 'tracestate', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded']);

function restoreRepeatedHeaders(headers: Record<string, unknown>, raw: FastifyRequest['raw']): void {
  const rawHeaders = raw.rawHeaders;
  let distinct = 0;
  for (const _ in raw.headers) distinct++;
  if (rawHeaders.length <= distinct * 2) return;
  const values = new Map<string, string[]>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    let list = values.get(name);
    if (!list) values.set(name, (list = []));
    list.push(rawHeaders[i + 1]!);
  }
  for (const [name, list] of values) {
    if (list.length > 1 && headers[name] !== undefined && !KEEP_JOINED.has(name) && !Array.isArray(headers[name])) headers[name] = list;
  }
}

function rewriteRequestHeaders(request: FastifyRequest, headers: Record<string, unknown>): Record<string | symbol, unknown> {
  const raw = request.raw;
  const clientHeaders: IncomingHttpHeaders = raw.headers;
  const hidden = (request as ProxyState)[kHiddenContentType];
  if (typeof hidden === 'string') {
    headers['content-type'] = hidden;
  } else if (clientHeaders['content-type'] === undefined) {
    // reply-from labels a re-sent Buffer body; keep the client's "no content type".
    delete headers['content-type'];
  }
  const out = upstreamRequestHeaders(headers as Record<string, string>, clientHeaders, {
    requestId: String(request.id),
    remoteAddress: raw.socket.remoteAddress,
    encrypted: (raw.socket as TLSSocket).encrypted === true,
  }) as Record<string | symbol, unknown>;
  restoreRepeatedHeaders(out as Record<string, unknown>, raw);
  out[kRawPath] = raw.url ?? '/';
  return out;
}

/**
 * Rewrites absolute Location / Content-Location values that point at the upstream to the origin the
 * client used (nginx's `proxy_redirect default`): legacy builds redirects from the Host it saw,
 * which is its own address. Relative values and other origins pass unchanged.
 */
export function upstreamLocationRewriter(upstreamBase: string): (value: string, clientOrigin: string | undefined) => string {
  const base = upstreamBase.replace(/\/+$/, '');
  const lower = base.toLowerCase();
  return (value, clientOrigin) => {
    if (value.length < base.length || value.slice(0, base.length).toLowerCase() !== lower) return value;
    const rest = value.slice(base.length);
    if (rest !== '' && rest[0] !== '/' && rest[0] !== '?' && rest[0] !== '#') return value;
    const path = rest === '' || rest[0] !== '/' ? `/${rest}` : rest;
    return clientOrigin === undefined ? path : clientOrigin + path;
  };
}

/** The origin the client addressed: scheme of its connection (or a trusted proxy's) and its Host. */
function clientOrigin(request: FastifyRequest): string | undefined {
  const headers = request.raw.headers;
  const host = firstValue(headers['x-forwarded-host']) ?? headers.host;
  if (!host) return undefined;
  const proto = firstValue(headers['x-forwarded-proto']) ?? ((request.raw.socket as TLSSocket).encrypted === true ? 'https' : 'http');
  return `${proto}://${host}`;
}

/** First entry of a possibly comma-joined forwarding header (the client-facing hop's value). */
function firstValue(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const s = Array.isArray(value) ? value[0]! : value;
  const comma = s.indexOf(',');
  return (comma === -1 ? s : s.slice(0, comma)).trim() || undefined;
}

function responseHeaderRewriter(upstreamBase: string) {
  const rewrite = upstreamLocationRewriter(upstreamBase);
  return function rewriteResponseHeaders(upstream: Record<string, unknown>, request: FastifyRequest): Record<string, unknown> {
    const headers = stripHopByHop(upstream as Record<string, string>, 'response') as Record<string, unknown>;
    headers['x-request-id'] = String(request.id);
    (request as ProxyState)[kResponseHeaders] = headers as UpstreamResponse['headers'];
    const location = headers.location;
    const contentLocation = headers['content-location'];
    if (typeof location === 'string' || typeof contentLocation === 'string') {
      const origin = clientOrigin(request);
      if (typeof location === 'string') headers.location = rewrite(location, origin);
      if (typeof contentLocation === 'string') headers['content-location'] = rewrite(contentLocation, origin);
    }
    return headers;
  };
}

type UpstreamError = Error & { code?: string; cause?: unknown };

/** Map an upstream failure to a problem: 504 when legacy was too slow, 502 otherwise. */
function onUpstreamError(reply: FastifyReply, { error }: { error: UpstreamError }) {
  const request = reply.request;
  const code = (error.cause as { code?: string } | undefined)?.code ?? error.code ?? '';
  reply.header('x-request-id', String(request.id));
  if (TIMEOUT_CODES.has(code) || TIMEOUT_CODES.has(error.code ?? '')) {
    return sendProblem(request, reply, 504, UPSTREAM_TIMEOUT, `The legacy service did not answer within ${request.server.config.PROXY_TIMEOUT_MS} ms`);
  }
  return sendProblem(request, reply, 502, UPSTREAM_UNAVAILABLE, `The legacy service is unavailable (${code || error.message})`);
}

function onUpstreamResponse(request: FastifyRequest, reply: FastifyReply, res: UpstreamResponse) {
  const state = request as ProxyState;
  const started = state[kStarted];
  const metrics = (request.server as unknown as { metrics?: MetricsLike }).metrics;
  if (started !== undefined && metrics?.upstreamLatency) {
    try {
      metrics.upstreamLatency.observe({ route_key: state.routeKey ?? 'UNMATCHED', status: res.statusCode }, (performance.now() - started) / 1000);
    } catch (err) {
      request.log.debug({ err }, 'upstream latency not recorded');
    }
  }
  const custom = state[kOnResponse];
  if (custom) {
    // The headers the client gets (hop-by-hop removed), as the in-place version used to leave them.
    const headers = state[kResponseHeaders];
    return custom(request, reply, headers ? { statusCode: res.statusCode, headers, stream: res.stream } : res);
  }
  if (isBodiless(res.statusCode)) {
    // Sent without a payload, Fastify keeps the headers as legacy gave them (with a stream it
    // would drop Content-Type on a 204).
    res.stream.resume();
    return reply.send();
  }
  if (isSmallBody(request, res)) return sendSmallBody(request, reply, res.stream);
  reply.send(res.stream);
}

/** Statuses that never carry a body (RFC 9110 §6.4.1): their headers go out as received. */
export function isBodiless(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/** Whether an upstream answer is sent whole by sendSmallBody (known small length, a content type, not HEAD). */
export function isSmallBody(request: FastifyRequest, res: UpstreamResponse, max = SMALL_BODY_BYTES): boolean {
  const length = Number(res.headers['content-length']);
  return length > 0 && length <= Math.min(max, SMALL_BODY_BYTES) && res.headers['content-type'] !== undefined && request.method !== 'HEAD';
}

/**
 * A small body of known length is collected and sent with its headers in one write, which costs
 * the event loop far less than piping a stream (measured in bench/proxy). It is already complete
 * upstream, so nothing is delayed; chunked and large bodies are always streamed. `onBody` sees the
 * bytes just before they are sent (the shadow keeps them instead of teeing a stream).
 */
const SMALL_BODY_BYTES = 64 * 1024;

export function sendSmallBody(request: FastifyRequest, reply: FastifyReply, stream: Readable, onBody?: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.once('end', () => {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    onBody?.(body);
    reply.send(body);
  });
  stream.once('error', (err: UpstreamError) => {
    if (!reply.sent) {
      // The failed answer's headers (cookies, caching, length) must not ride on the problem.
      for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
      onUpstreamError(reply, { error: err });
    }
    else request.log.warn({ err }, 'upstream body failed after the answer started');
  });
}

function retryDelay({ err, req, attempt }: { err?: Error & { code?: string }; req: { method: string; body?: unknown }; attempt: number }) {
  if (attempt === 0 && err && STALE_SOCKET_CODES.has(err.code ?? '') && IDEMPOTENT.has(req.method) && !req.body) return 1;
  return null;
}

/**
 * Let request bodies through as the raw stream, whatever their content type, so a proxied body is
 * streamed to legacy and never buffered or re-encoded. Use in an encapsulated scope only.
 */
export function streamRequestBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
}

/**
 * The legacy proxy: reply.proxyLegacy() for the route table, and the catch-all that sends every
 * path no other route claims to LEGACY_URL. Register after every other route-owning plugin.
 */
export const legacyProxyPlugin = fp(
  async (app: FastifyInstance) => {
    const config = app.config;
    const legacy = new URL(config.LEGACY_URL);
    const basePath = legacy.pathname.replace(/\/+$/, '');
    const pool = new Pool(legacy.origin, {
      connections: config.PROXY_CONNECTIONS,
      pipelining: 1,
      connect: { timeout: config.PROXY_CONNECT_TIMEOUT_MS },
      headersTimeout: config.PROXY_TIMEOUT_MS,
      bodyTimeout: config.PROXY_TIMEOUT_MS,
    });
    app.addHook('onClose', async () => {
      await pool.destroy();
    });

    await app.register(replyFrom, {
      base: legacy.origin,
      undici: rawPathDispatcher(pool, basePath) as unknown as Pool,
      disableRequestLogging: true,
    });

    const breaker = new CircuitBreaker({
      threshold: config.PROXY_BREAKER_THRESHOLD,
      cooldownMs: config.PROXY_BREAKER_COOLDOWN_MS,
      probeTimeoutMs: config.PROXY_TIMEOUT_MS,
      registry: (app as unknown as { metrics?: { registry: Registry } }).metrics?.registry,
    });
    const retryAfter = String(Math.max(1, Math.ceil(config.PROXY_BREAKER_COOLDOWN_MS / 1000)));
    const queue = new UpstreamQueue({ upstream: 'legacy', connections: config.PROXY_CONNECTIONS, queueMax: config.PROXY_QUEUE_MAX, retryAfterS: config.LOAD_SHED_RETRY_AFTER_S, registry: (app as unknown as { metrics?: { registry: Registry } }).metrics?.registry });
    const baseOptions = {
      timeout: config.PROXY_TIMEOUT_MS,
      rewriteRequestHeaders,
      rewriteHeaders: responseHeaderRewriter(legacy.origin + basePath),
      onError(reply: FastifyReply, ctx: { error: UpstreamError }) {
        if (isUnreachable(ctx.error)) breaker.failure();
        else breaker.success();
        return onUpstreamError(reply, ctx);
      },
      onResponse(request: FastifyRequest, reply: FastifyReply, res: UpstreamResponse) {
        breaker.success();
        return onUpstreamResponse(request, reply, res);
      },
      retryDelay,
    };

    app.decorateReply('proxyLegacy', function proxyLegacy(this: FastifyReply, opts?: ProxyLegacyOptions) {
      const request = this.request;
      // An open circuit answers at once: no socket, no wait for the connect timeout (circuit-breaker.ts).
      if (!breaker.allow()) {
        this.header('retry-after', retryAfter);
        return sendProblem(request, this, 502, UPSTREAM_UNAVAILABLE, 'The legacy service is unavailable (circuit open after repeated connection failures)');
      }
      // A full pool and queue answer 503 at once instead of queueing without bound (upstream-queue.ts).
      if (!queue.admit(this)) return this;
      const state = request as ProxyState;
      state.routeKey ??= 'UNMATCHED';
      state[kStarted] = performance.now();
      if (opts?.onResponse) state[kOnResponse] = opts.onResponse;
      const method = request.method;
      const bodyless = method === 'GET' || method === 'HEAD';
      // A body some other parser already read into memory is re-sent as bytes, never re-serialised.
      const given = opts?.body ?? (Buffer.isBuffer(request.body) ? request.body : typeof request.body === 'string' ? Buffer.from(request.body) : undefined);
      const options =
        given !== undefined && !bodyless
          ? { ...baseOptions, body: given, contentType: request.headers['content-type'] ?? 'application/octet-stream' }
          : baseOptions;
      // The source is ignored: rawPathDispatcher forwards request.raw.url as received.
      return (this as FastifyReply & { from: (source: string, opts: object) => FastifyReply }).from('/', options as never);
    });

    // Every method Node's parser accepts reaches legacy, not only those Fastify knows (PURGE,
    // PROPFIND, LOCK, …). CONNECT never reaches a request handler in Node, so it cannot be proxied.
    for (const method of METHODS) {
      if (method !== 'CONNECT' && !app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
    }

    // The catch-all lives in its own scope so its pass-through body parser applies to it alone.
    await app.register(async (scope) => {
      streamRequestBodies(scope);
      scope.route({
        method: scope.supportedMethods,
        url: '/*',
        schema: { hide: true },
        // Fastify refuses malformed Content-Type values (415), and a QUERY without one (400), before
        // any parser runs; legacy must judge those itself, so Fastify sees a neutral type and the
        // client's own (or none) is given back before the handler.
        onRequest(request, _reply, done) {
          const headers = request.raw.headers;
          const ct = headers['content-type'];
          if (ct !== undefined || request.raw.method === 'QUERY') {
            (request as ProxyState)[kHiddenContentType] = ct ?? null;
            headers['content-type'] = 'application/octet-stream';
          }
          done();
        },
        preValidation(request, _reply, done) {
          const ct = (request as ProxyState)[kHiddenContentType];
          if (ct !== undefined) {
            if (ct === null) delete request.raw.headers['content-type'];
            else request.raw.headers['content-type'] = ct;
          }
          done();
        },
        // Returns nothing: reply-from answers, and Fastify does not wrap the reply as a thenable.
        handler(_request, reply) {
          reply.proxyLegacy();
        },
      });
    });
  },
  { name: 'legacy-proxy', dependencies: ['infra'] },
);
