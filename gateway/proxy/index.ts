import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { METHODS } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import type { Registry } from 'prom-client';
import { sendProblem } from '../plugins/problem';
import { upstreamRequestHeaderList, type ResponseHeaders } from './headers';
import { CircuitBreaker, isUnreachable } from './circuit-breaker';
import { LegacyCall, SMALL_BODY_BYTES, type LegacyProxyContext, type UpstreamError, type UpstreamResponse } from './forward';
import { UpstreamQueue } from './upstream-queue';

export type { UpstreamResponse } from './forward';

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

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The client's Content-Type while Fastify sees a neutral one (catch-all); null: the client sent none. */
const kHiddenContentType = Symbol('fig.proxy.contentType');

interface ProxyState {
  [kHiddenContentType]?: string | null;
  routeKey?: string;
}

interface MetricsLike {
  upstreamLatency?: { observe: (labels: Record<string, string | number>, seconds: number) => void };
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

/** Adds fig's X-Request-Id and rewrites Location / Content-Location pointing at the upstream, in place. */
function responseHeaderFinisher(upstreamBase: string): (request: FastifyRequest, headers: ResponseHeaders) => void {
  const rewrite = upstreamLocationRewriter(upstreamBase);
  return (request, headers) => {
    headers['x-request-id'] = String(request.id);
    const location = headers.location;
    const contentLocation = headers['content-location'];
    if (typeof location === 'string' || typeof contentLocation === 'string') {
      const origin = clientOrigin(request);
      if (typeof location === 'string') headers.location = rewrite(location, origin);
      if (typeof contentLocation === 'string') headers['content-location'] = rewrite(contentLocation, origin);
    }
  };
}

/** Map an upstream failure to a problem: 504 when legacy was too slow, 502 otherwise. */
function onUpstreamError(reply: FastifyReply, error: UpstreamError) {
  const request = reply.request;
  const code = error.code ?? (error.cause as { code?: string } | undefined)?.code ?? '';
  reply.header('x-request-id', String(request.id));
  if (TIMEOUT_CODES.has(code)) {
    return sendProblem(request, reply, 504, UPSTREAM_TIMEOUT, `The legacy service did not answer within ${request.server.config.PROXY_TIMEOUT_MS} ms`);
  }
  return sendProblem(request, reply, 502, UPSTREAM_UNAVAILABLE, `The legacy service is unavailable (${code || error.message})`);
}

/** Whether an upstream answer is sent whole by sendSmallBody (known small length, a content type, not HEAD). */
export function isSmallBody(request: FastifyRequest, res: UpstreamResponse, max = SMALL_BODY_BYTES): boolean {
  const length = Number(res.headers['content-length']);
  return length > 0 && length <= Math.min(max, SMALL_BODY_BYTES) && res.headers['content-type'] !== undefined && request.method !== 'HEAD';
}

/**
 * For a caller that took over the answer (ProxyLegacyOptions.onResponse): a small body of known
 * length is collected and sent with its headers in one write, as the proxy itself does. It is
 * already complete upstream, so nothing is delayed. `onBody` sees the bytes just before they are
 * sent (the shadow keeps them instead of teeing a stream).
 */
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
      onUpstreamError(reply, err);
    }
    else request.log.warn({ err }, 'upstream body failed after the answer started');
  });
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

    const breaker = new CircuitBreaker({
      threshold: config.PROXY_BREAKER_THRESHOLD,
      cooldownMs: config.PROXY_BREAKER_COOLDOWN_MS,
      probeTimeoutMs: config.PROXY_TIMEOUT_MS,
      registry: (app as unknown as { metrics?: { registry: Registry } }).metrics?.registry,
    });
    const retryAfter = String(Math.max(1, Math.ceil(config.PROXY_BREAKER_COOLDOWN_MS / 1000)));
    const queue = new UpstreamQueue({ upstream: 'legacy', connections: config.PROXY_CONNECTIONS, queueMax: config.PROXY_QUEUE_MAX, retryAfterS: config.LOAD_SHED_RETRY_AFTER_S, registry: (app as unknown as { metrics?: { registry: Registry } }).metrics?.registry });
    const metrics = (app as unknown as { metrics?: MetricsLike }).metrics;
    const ctx: LegacyProxyContext = {
      pool,
      finishHeaders: responseHeaderFinisher(legacy.origin + basePath),
      answered(request, statusCode, started) {
        breaker.success();
        if (!metrics?.upstreamLatency) return;
        try {
          metrics.upstreamLatency.observe({ route_key: (request as ProxyState).routeKey ?? 'UNMATCHED', status: statusCode }, (performance.now() - started) / 1000);
        } catch (err) {
          request.log.debug({ err }, 'upstream latency not recorded');
        }
      },
      failed(request, reply, error, beforeAnswer) {
        if (beforeAnswer) {
          if (isUnreachable(error)) breaker.failure();
          else breaker.success();
        }
        request.log.warn({ err: error }, 'legacy request failed');
        // A half-received answer's headers are not on the reply yet (LegacyCall applies them on send).
        onUpstreamError(reply, error);
      },
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
      (request as ProxyState).routeKey ??= 'UNMATCHED';
      const raw = request.raw;
      const method = raw.method!;
      const bodyless = method === 'GET' || method === 'HEAD' || method === 'TRACE';
      // A body some other parser already read into memory is re-sent as bytes, never re-serialised;
      // a pass-through body (the catch-all's parser) streams; GET, HEAD and TRACE carry none.
      const rbody = request.body as unknown;
      const given = bodyless ? undefined : (opts?.body ?? (Buffer.isBuffer(rbody) ? rbody : typeof rbody === 'string' ? Buffer.from(rbody) : undefined));
      const stream = bodyless || given !== undefined || rbody === undefined || rbody === null || typeof (rbody as Readable).pipe !== 'function' ? undefined : (rbody as Readable);
      const socket = raw.socket;
      const headers = upstreamRequestHeaderList(raw.rawHeaders, raw.headers, {
        host: legacy.host,
        requestId: String(request.id),
        remoteAddress: socket.remoteAddress,
        encrypted: (socket as TLSSocket).encrypted === true,
        bodyLength: given?.length,
        hasBody: stream !== undefined,
      });
      const dispatchOptions: Dispatcher.DispatchOptions = { method, path: basePath + (raw.url ?? '/'), headers, body: given ?? stream ?? null };
      new LegacyCall(ctx, request, this, dispatchOptions, opts?.onResponse).start();
      return this;
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
        // Returns nothing: the proxy answers, and Fastify does not wrap the reply as a thenable.
        handler(_request, reply) {
          reply.proxyLegacy();
        },
      });
    });
  },
  { name: 'legacy-proxy', dependencies: ['infra'] },
);
