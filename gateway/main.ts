import cluster, { type Worker } from 'node:cluster';
import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { loadConfigOrExit, type Config } from './config';
import { initTelemetry } from './telemetry';
import { BatchedLogDestination } from './log-destination';
import { drainServer } from './drain';

const config = loadConfigOrExit();
const serves = !(config.GATEWAY_PROCESSES > 1 && cluster.isPrimary);
// Tracing (when configured) starts before the app is imported, so its instrumentations see
// Fastify, pg and ioredis load; with it off nothing of OpenTelemetry is loaded.
const telemetry = serves ? await initTelemetry(config, 'fig-gateway') : undefined;
const { buildApp } = await import('./app');

/**
 * One gateway: build, listen, and on SIGTERM/SIGINT stop accepting, drain open connections
 * (GATEWAY_DRAIN_MS at most, drain.ts), then close: in-flight requests finish, pools close.
 */
async function runGateway(cfg: Config): Promise<void> {
  // Log lines are written asynchronously and in batches instead of one blocking write(2) per
  // request (the single largest cost of the access log in bench/proxy), by a destination cheaper
  // per line than pino's own (gateway/log-destination.ts). The cost: lines still buffered when the
  // process dies abruptly are lost; a graceful stop writes them. Lines are gathered up to 16 KiB and
  // flushed at least every 200 ms, so a quiet gateway's lines still show at once.
  const destination = new BatchedLogDestination(1);
  const flusher = setInterval(() => destination.flush(), 200);
  flusher.unref();
  const app = await buildApp(cfg, { logger: { stream: destination } });
  closeWithGrace({ delay: cfg.GATEWAY_DRAIN_MS + 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'fatal error, shutting down');
    else {
      app.log.info({ signal }, 'shutting down: draining connections');
      const drained = await drainServer(app.server, { drainMs: cfg.GATEWAY_DRAIN_MS });
      app.log.info(drained, 'drained');
    }
    await app.close();
    await telemetry?.shutdown();
    clearInterval(flusher);
    await destination.drain();
  });
  await app.listen({ host: cfg.HOST, port: cfg.PORT });
}

/**
 * GATEWAY_PROCESSES > 1: this process only supervises. Workers share the port (node:cluster hands
 * connections out round-robin) and are forked one after another, each once the previous one is
 * listening, so only the first imports an empty route table. Route flips reach every worker
 * through Redis like any other gateway process. A worker that dies is replaced; on SIGTERM/SIGINT
 * each worker drains as a single gateway would. SIGHUP restarts the workers one at a time (a
 * rolling restart, e.g. after a deploy): a new worker listens before an old one drains, so the
 * port always has a worker and no client request fails (bench/reliability/scenarios/rolling-restart.ts).
 */
async function runPrimary(cfg: Config): Promise<void> {
  const log = pino({ level: cfg.LOG_LEVEL }).child({ role: 'gateway-primary' });
  let stopping = false;
  let restarting = false;
  /** Workers stopped on purpose by a rolling restart: their exit is not a death to replace. */
  const retired = new Set<number>();
  const fork = () =>
    new Promise<Worker>((resolve, reject) => {
      const worker = cluster.fork();
      worker.once('listening', () => resolve(worker));
      worker.once('exit', (code) => reject(new Error(`gateway worker exited with ${code} before listening`)));
    });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping || retired.delete(worker.id)) return;
    log.error({ workerPid: worker.process.pid, code, signal }, 'gateway worker died; starting another');
    // Back off a little so a worker that fails at start does not spin.
    setTimeout(() => void fork().catch((err: Error) => log.error({ err }, 'replacement worker failed')), 1_000);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping gateway workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    }, cfg.GATEWAY_DRAIN_MS + 15_000);
    force.unref();
  };
  const rollingRestart = async () => {
    if (restarting || stopping) return;
    restarting = true;
    log.info('rolling restart of gateway workers');
    try {
      for (const old of Object.values(cluster.workers ?? {})) {
        if (!old || stopping) continue;
        const next = await fork();
        retired.add(old.id);
        const exited = new Promise((resolve) => old.once('exit', resolve));
        old.process.kill('SIGTERM');
        await exited;
        log.info({ oldPid: old.process.pid, newPid: next.process.pid }, 'gateway worker replaced');
      }
      log.info('rolling restart done');
    } catch (err) {
      log.error({ err }, 'rolling restart failed; the remaining workers keep serving');
    } finally {
      restarting = false;
    }
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => void rollingRestart());
  for (let i = 0; i < cfg.GATEWAY_PROCESSES; i++) {
    const worker = await fork();
    log.info({ workerPid: worker.process.pid, worker: i + 1, of: cfg.GATEWAY_PROCESSES, port: cfg.PORT }, 'gateway worker listening');
  }
}

if (!serves) await runPrimary(config);
else await runGateway(config);
