import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../gateway/app';
import { loadConfig, type Config } from '../../../gateway/config';

/** Where a scenario's gateway finds its dependencies (a migrated database, legacy, Redis). */
export interface ScenarioEnv {
  /** Owner URL of a migrated database the scenario may use alone. */
  databaseUrl: string;
  legacyUrl: string;
  redisUrl: string;
}

export const ADMIN_TOKEN = 'reliability-admin-token-0123456789';
const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The environment of a scenario's gateway: its dependencies, a random Redis prefix, quiet logs. */
export function gatewayEnv(env: ScenarioEnv, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: env.databaseUrl,
    LEGACY_URL: env.legacyUrl,
    REDIS_URL: env.redisUrl,
    REDIS_PREFIX: `rel:${randomBytes(6).toString('hex')}:`,
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN,
    COOKIE_SECURE: 'false',
    HOST: '127.0.0.1',
    PORT: '0',
    AUTOROLLBACK_ENABLED: 'false',
    ...overrides,
  };
}

/**
 * A gateway in this process, listening on a free port. Load shedding is off unless asked for: this
 * process is also the load generator, so its event loop is busy with the client's work too.
 */
export async function startGateway(env: ScenarioEnv, overrides: Record<string, string> = {}): Promise<{ url: string; app: FastifyInstance; config: Config; close: () => Promise<void> }> {
  const config = loadConfig(gatewayEnv(env, { LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0', ...overrides }));
  const app = await buildApp(config, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, config, close: () => app.close() };
}

/** A gateway as its own process (`tsx gateway/main.ts`) on `port`; resolves once /healthz answers. */
export async function spawnGateway(env: ScenarioEnv, port: number, overrides: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; stop: (signal?: NodeJS.Signals) => Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...gatewayEnv(env, { PORT: String(port), ...overrides }) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode} before listening`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway did not answer ${url}/healthz within 180 s (a loaded machine starts tsx slowly)`);
    }
    await sleep(100);
  }
  return {
    url,
    child,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill(signal);
      return exited;
    },
  };
}

/** Read one Prometheus sample (summed over its label sets, or those matching `labels`) from an app. */
export async function metricValue(app: FastifyInstance, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = app.metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Prometheus text → value of the first sample named `name` (no labels), or NaN. */
export function promSample(text: string, name: string): number {
  const m = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}
