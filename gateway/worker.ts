import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { loadConfigOrExit } from './config';
import { initTelemetry } from './telemetry';
import type { Queue, Worker } from 'bullmq';
import type { JobContext, JobDefinition } from '../modules/core/jobs';

const config = loadConfigOrExit();
// Tracing (when configured) starts before the modules, BullMQ, pg and ioredis are imported.
const telemetry = await initTelemetry(config, 'fig-worker');
const { Queue: QueueClass } = await import('bullmq');
const { startJobWorker } = await import('../modules/core/job-worker');
const { modules } = await import('./modules');
const { createDb } = await import('../modules/core/db');
const { createRedis } = await import('../modules/core/redis');
const { queueName } = await import('../modules/core/jobs');

const log = pino({ level: config.LOG_LEVEL, base: { service: 'fig-worker' } });
const db = createDb(config.APP_DATABASE_URL, {
  max: config.DB_POOL_MAX,
  onIdleError: (err) =>
    log.warn({ err: err.message }, 'an idle database connection was lost; the next query opens a new one'),
});
const redis = createRedis(config.REDIS_URL);
const abort = new AbortController();
const connection = { url: config.REDIS_URL, maxRetriesPerRequest: null };
const prefix = `${config.REDIS_PREFIX}bull`;

// Producers' queues, one per job definition a handler enqueues to (opened on first use).
const producers = new Map<string, Queue>();
const enqueue: NonNullable<JobContext['enqueue']> = async (def, payload, { jobId, retry }) => {
  const name = queueName(def);
  let queue = producers.get(name);
  if (!queue) producers.set(name, (queue = new QueueClass(name, { connection, prefix })));
  await queue.add(name, payload, {
    jobId,
    attempts: retry?.attempts ?? 1,
    ...(retry ? { backoff: { type: 'exponential', delay: retry.backoffMs } } : {}),
    removeOnComplete: 1000,
    removeOnFail: 5000,
  });
};
const ctx: JobContext = { config, db, redis, log, signal: abort.signal, enqueue };

const workers: Worker[] = [];
const schedulers: Queue[] = [];
const lifecycles: NonNullable<JobDefinition['lifecycle']>[] = [];
for (const mod of modules) {
  for (const def of mod.jobs ?? []) {
    if (def.lifecycle) {
      lifecycles.push(def.lifecycle);
      def.lifecycle
        .open({ ...ctx, log: log.child({ job: queueName(def) }) })
        .catch((err: Error) =>
          log.warn(
            { err: err.message, job: queueName(def) },
            'job resources did not start; the first job starts them',
          ),
        );
    }
    const name = queueName(def);
    const worker = startJobWorker(def, ctx, connection, prefix);
    workers.push(worker);
    if (def.everyMs) {
      // Idempotent: every worker process upserts the same scheduler id, so there is one schedule.
      const queue = new QueueClass(name, { connection, prefix });
      await queue.upsertJobScheduler(name, { every: def.everyMs }, { name, data: {} });
      schedulers.push(queue);
    }
  }
}

// A heartbeat other processes (readyz, the console) can read to tell the worker is alive.
const beat = async () =>
  redis.set(`${config.REDIS_PREFIX}worker:heartbeat`, new Date().toISOString(), 'EX', 30);
await beat();
const timer = setInterval(() => void beat().catch(() => undefined), 10_000);
log.info({ queues: workers.map((w) => w.name) }, 'worker started');

closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
  if (err) log.error({ err }, 'fatal error, shutting down');
  else log.info({ signal }, 'worker shutting down');
  clearInterval(timer);
  abort.abort();
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all(lifecycles.map((l) => l.close().catch(() => undefined)));
  await Promise.all([...schedulers, ...producers.values()].map((q) => q.close()));
  await db.destroy();
  redis.disconnect();
  await telemetry?.shutdown();
});
