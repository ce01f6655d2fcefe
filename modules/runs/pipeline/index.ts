import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../core/config';
import { pipelineRoutes } from './routes';

export { runPipelineJob } from './run-job';
export { setRunState, setRunStateIn, REVIEW_TRANSITIONS, type TransitionActor } from './states';
export { RunErrors } from './errors';
export * as RunPipelineSchemas from './schema';

/** The runs pipeline's routes (registered by modules/runs' plugin under /api/v1). */
export const pipelinePlugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  await app.register(pipelineRoutes, { prefix: '/api/v1', deps: { db: app.db, redis: app.redis, config, log: app.log } });
};
