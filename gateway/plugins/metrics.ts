import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { sendProblem } from './problem';
import { routeConfig } from './route-config';
import { RequestCounter, RequestHistogram, type CounterSeries, type HistogramSeries } from './request-metrics';

/** fig's Prometheus metrics; one registry per app instance (tests build many apps per process). */
export interface FigMetrics {
  registry: Registry;
  /** Per-request metrics: label sets resolve once to a series (see request-metrics.ts). */
  httpRequests: RequestCounter<'route_key' | 'mode' | 'status_class'>;
  httpDuration: RequestHistogram<'route_key' | 'mode'>;
  /** Observed by the legacy proxy: time to the upstream's response headers. */
  upstreamLatency: RequestHistogram<'route_key' | 'status'>;
  routeFlips: Counter<'from' | 'to'>;
  killSwitch: Counter<string>;
  /** Sign-in throttle and token revocation checks that could not use Redis (docs/security.md). */
  authRedisFallbacks: Counter<'check' | 'outcome'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: FigMetrics;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

// 0.3 s is the API latency objective's threshold (infra/prometheus/rules/fig-slo.yml): a bucket edge
// there makes "requests within 300 ms" exact instead of interpolated.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Label of a request for metrics: its legacy route key when it matched one, else fig's own
 * route ('FIG GET /_fig/routes/:key'), else 'UNMATCHED' (proxied, no legacy template matched).
 */
function labels(request: FastifyRequest, url: string | undefined): { route_key: string; mode: string } {
  if (request.routeKey) return { route_key: request.routeKey, mode: request.routeMode ?? 'legacy' };
  if (url && url !== '/*' && url !== '*') return { route_key: `FIG ${request.method} ${url}`, mode: 'fig' };
  return { route_key: 'UNMATCHED', mode: 'legacy' };
}

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

/** The request metrics of one route key and mode, resolved once (see requestSeriesCache). */
interface RequestSeries {
  /** By status class index (0: 1xx … 4: 5xx). */
  requests: (CounterSeries | undefined)[];
  duration: HistogramSeries;
  labels: { route_key: string; mode: string };
}

/**
 * Label-bound children per route key + mode, made on first use and kept: the per-request path
 * neither builds label objects nor validates them. Keys are bounded (route keys of the table,
 * fig's own route templates, UNMATCHED), as the label values themselves already are.
 */
function requestSeriesCache(metrics: Pick<FigMetrics, 'httpRequests' | 'httpDuration'>) {
  const cache = new Map<string, RequestSeries>();
  return (route_key: string, mode: string): RequestSeries => {
    const key = `${mode} ${route_key}`;
    let series = cache.get(key);
    if (!series) {
      const l = { route_key, mode };
      series = { requests: [], duration: metrics.httpDuration.labels(l), labels: l };
      cache.set(key, series);
    }
    return series;
  };
}

function requestCounter(metrics: Pick<FigMetrics, 'httpRequests'>, series: RequestSeries, statusCode: number): CounterSeries {
  const index = Math.floor(statusCode / 100) - 1;
  let counter = series.requests[index];
  if (!counter) {
    const cls = STATUS_CLASSES[index] ?? `${Math.floor(statusCode / 100)}xx`;
    counter = metrics.httpRequests.labels({ ...series.labels, status_class: cls });
    if (index >= 0 && index < STATUS_CLASSES.length) series.requests[index] = counter;
  }
  return counter;
}

/**
 * /metrics in Prometheus text format: requests by route key, mode and status class; request
 * duration by route key and mode; upstream latency; route flips and kill switches. With
 * METRICS_TOKEN set, a scrape needs that bearer token.
 */
export const metricsPlugin = fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'fig_process_' });
    const metrics: FigMetrics = {
      registry,
      httpRequests: new RequestCounter({
        name: 'fig_http_requests_total',
        help: 'HTTP requests answered by the gateway, by legacy route key, mode and status class',
        labelNames: ['route_key', 'mode', 'status_class'],
        registers: [registry],
      }),
      httpDuration: new RequestHistogram({
        name: 'fig_http_request_duration_seconds',
        help: 'Time from request to response, by legacy route key and mode',
        labelNames: ['route_key', 'mode'],
        buckets: LATENCY_BUCKETS,
        registers: [registry],
      }),
      upstreamLatency: new RequestHistogram({
        name: 'fig_upstream_latency_seconds',
        help: 'Time until the legacy service answered (response headers), by route key and status',
        labelNames: ['route_key', 'status'],
        buckets: LATENCY_BUCKETS,
        registers: [registry],
      }),
      routeFlips: new Counter({
        name: 'fig_route_flips_total',
        help: 'Route mode changes made through this gateway process',
        labelNames: ['from', 'to'],
        registers: [registry],
      }),
      killSwitch: new Counter({ name: 'fig_kill_switch_total', help: 'Kill switch activations through this gateway process', registers: [registry] }),
      authRedisFallbacks: new Counter({
        name: 'fig_auth_redis_fallbacks_total',
        help: 'Security checks that could not use Redis, by check and what fig did instead (refused, database, skipped)',
        labelNames: ['check', 'outcome'],
        registers: [registry],
      }),
    };
    new Gauge({
      name: 'fig_routes',
      help: 'Routes in the live route table, by mode',
      labelNames: ['mode'],
      registers: [registry],
      collect() {
        this.reset();
        const counts: Record<string, number> = { legacy: 0, shadow: 0, canary: 0, new: 0 };
        for (const r of app.routeTable?.all() ?? []) counts[r.mode] = (counts[r.mode] ?? 0) + 1;
        for (const [mode, n] of Object.entries(counts)) this.set({ mode }, n);
      },
    });
    app.decorate('metrics', metrics);

    if (app.hasDecorator('routeTable')) {
      app.routeTable.on('flip', ({ from, to }) => metrics.routeFlips.inc({ from, to }));
      app.routeTable.on('killSwitch', () => metrics.killSwitch.inc());
    }

    const seriesFor = requestSeriesCache(metrics);
    app.addHook('onResponse', (request, reply, done) => {
      const url = routeConfig(request).url;
      if (url !== '/metrics') {
        let series: RequestSeries;
        if (request.routeKey) series = seriesFor(request.routeKey, request.routeMode ?? 'legacy');
        else {
          const l = labels(request, url);
          series = seriesFor(l.route_key, l.mode);
        }
        requestCounter(metrics, series, reply.statusCode).inc();
        series.duration.observe(reply.elapsedTime / 1000);
      }
      done();
    });

    const tokenDigest = app.config.METRICS_TOKEN ? digest(app.config.METRICS_TOKEN) : undefined;
    if (app.config.METRICS_ENABLED) {
      app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
        if (tokenDigest) {
          const presented = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
          // Compared as digests, in constant time, so neither length nor prefix leaks.
          if (!presented || !timingSafeEqual(digest(presented), tokenDigest)) {
            reply.header('www-authenticate', 'Bearer realm="metrics"');
            return sendProblem(request, reply, 401, 'FIG_UNAUTHORIZED', 'The metrics need `Authorization: Bearer <METRICS_TOKEN>`');
          }
        }
        reply.type(registry.contentType);
        return registry.metrics();
      });
    }
  },
  { name: 'metrics', dependencies: ['infra'] },
);
