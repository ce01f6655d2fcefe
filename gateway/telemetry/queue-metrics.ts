import fp from 'fastify-plugin';
import { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import type { FigModule } from '../../modules/core/module';
import { queueName } from '../../modules/core/jobs';

/** BullMQ job states reported per queue. */
const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/**
 * Queue gauges on /metrics, read from Redis when Prometheus scrapes (never on the request path):
 * `fig_queue_jobs{queue,state}` for every job a hosted module defines, and
 * `fig_worker_heartbeat_age_seconds` (time since a worker last wrote its heartbeat; absent when
 * none ever did or it expired). The queues share the gateway's Redis connection.
 */
export const queueMetricsPlugin = fp<{ modules: FigModule[] }>(
  async (app, opts) => {
    const prefix = `${app.config.REDIS_PREFIX}bull`;
    const names = [...new Set(opts.modules.flatMap((m) => (m.jobs ?? []).map(queueName)))];
    const queues = names.map((name) => new Queue(name, { connection: app.redis, prefix }));
    new Gauge({
      name: 'fig_queue_jobs',
      help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, failed, completed), read at scrape time',
      labelNames: ['queue', 'state'],
      registers: [app.metrics.registry],
      async collect() {
        this.reset();
        await Promise.all(
          queues.map(async (q) => {
            const counts = await q.getJobCounts(...STATES).catch(() => undefined);
            if (counts) for (const state of STATES) this.set({ queue: q.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
    new Gauge({
      name: 'fig_worker_heartbeat_age_seconds',
      help: 'Seconds since a worker process last wrote its heartbeat (absent: no live heartbeat)',
      registers: [app.metrics.registry],
      async collect() {
        this.reset();
        const beat = await app.redis.get(`${app.config.REDIS_PREFIX}worker:heartbeat`).catch(() => null);
        if (beat) this.set(Math.max(0, (Date.now() - Date.parse(beat)) / 1000));
      },
    });
    // The queues borrow app.redis: closing them must not close it (infra closes it last).
    app.addHook('onClose', async () => {
      await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
    });
  },
  { name: 'queue-metrics', dependencies: ['metrics', 'infra'] },
);
