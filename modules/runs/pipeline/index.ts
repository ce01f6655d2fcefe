import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../core/config';
import { createOutputsPool } from './outputs/outputs-pool';
import { outputsRoutes } from './outputs/routes';
import { pipelineRoutes } from './routes';

export { runPipelineJob } from './run-job';
export { setRunState, setRunStateIn, REVIEW_TRANSITIONS, type TransitionActor } from './states';
export { RunErrors } from './errors';
export * as RunPipelineSchemas from './schema';

/** The runs pipeline's routes (registered by modules/runs' plugin under /api/v1). */
export const pipelinePlugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const deps = { db: app.db, redis: app.redis, config, log: app.log };
  await app.register(pipelineRoutes, { prefix: '/api/v1', deps });
  // Statements and exports are built in worker threads with RUNS_EXPORT_TIMEOUT_MS, never on this event loop.
  const pool = createOutputsPool({ size: 1, timeoutMs: config.RUNS_EXPORT_TIMEOUT_MS, maxQueue: config.PLAN_EVAL_QUEUE_MAX, log: app.log });
  app.addHook('onClose', () => pool.close());
  await app.register(outputsRoutes, { prefix: '/api/v1', deps, pool });
};
