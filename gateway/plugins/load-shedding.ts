import fp from 'fastify-plugin';
import underPressure from '@fastify/under-pressure';
import { Counter, type Registry } from 'prom-client';
import { sendProblem } from './problem';

/**
 * Load shedding (@fastify/under-pressure): when the event loop was busier than
 * LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION over the last sample interval (or, if configured, lags past
 * LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS), new requests are answered 503 FIG_OVERLOADED with
 * Retry-After at once, instead of queueing without bound behind the work already accepted.
 * /healthz and /metrics keep answering (the process is alive; monitoring must see the overload). Each shed request counts in
 * fig_load_shed_total{reason}.
 *
 * Utilisation is measured per interval ('interval' mode), not since start (under-pressure's
 * default, 'cumulative'): a process idle for an hour would otherwise need most of another hour
 * of saturation before its lifetime average crossed the threshold. Requests waiting on legacy
 * rather than on the loop are bounded by the proxy's upstream queue (gateway/proxy/upstream-queue.ts).
 */
export const loadSheddingPlugin = fp(
  async (app) => {
    const config = app.config;
    if (config.LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS === 0 && config.LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION === 0) return;
    let shed: Counter<'reason'> | undefined;
    // Start-up (module loading, compiling, the first route-table load) keeps the loop busy, and the
    // first utilisation samples cover it: a fresh process would shed its first requests, which in a
    // rolling restart means every new worker refuses its first second of traffic. Nothing is shed
    // until a sample covers only time after listening (two intervals). Until then: null (not listening).
    let judgeFrom: number | null = null;
    app.addHook('onListen', async () => {
      judgeFrom = performance.now() + 2 * config.LOAD_SHED_SAMPLE_INTERVAL_MS;
    });
    const retryAfter = config.LOAD_SHED_RETRY_AFTER_S;
    await app.register(underPressure, {
      maxEventLoopDelay: config.LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS || undefined,
      maxEventLoopUtilization: config.LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION || undefined,
      eventLoopUtilizationMode: 'interval',
      sampleInterval: config.LOAD_SHED_SAMPLE_INTERVAL_MS,
      retryAfter,
      // Answered here, not thrown: the error handler would log every shed request as an error,
      // which is the last thing an overloaded process needs. Fastify stops at a sent reply.
      pressureHandler(request, reply, type) {
        if (request.url === '/healthz' || request.url === '/metrics' || judgeFrom === null || performance.now() < judgeFrom) return;
        const registry = (request.server as unknown as { metrics?: { registry: Registry } }).metrics?.registry;
        if (registry && !shed) {
          shed = new Counter({ name: 'fig_load_shed_total', help: 'Requests answered 503 because the gateway was overloaded', labelNames: ['reason'], registers: [registry] });
        }
        shed?.inc({ reason: type });
        reply.header('retry-after', String(retryAfter));
        sendProblem(request, reply, 503, 'FIG_OVERLOADED', `The gateway is overloaded (${type}); retry after ${retryAfter} s`);
      },
    });
  },
  { name: 'load-shedding', dependencies: ['infra', 'problem'] },
);
