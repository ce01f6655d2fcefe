import type { FastifyPluginAsync } from 'fastify';
import type { FigModule } from '../../core/module';
import type { Config } from '../../core/config';
import { createAparService } from '../service';
import { portalRoutes } from './routes';
import { createPortalService } from './service';

export * as PortalSchemas from './schema';

/**
 * The client portal (ADR 0027): customer contacts sign in by magic link and read their own
 * invoices (with PDFs), credit notes, payments and statement under /api/v1/portal/{slug}. Needs
 * the auth plugin (app.accessTokens, the rate limiter, the portal/internal token guard).
 */
const plugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const service = createPortalService({
    db: app.db,
    log: app.log,
    config,
    accessTokens: app.accessTokens,
    redis: app.redis,
    redisPrefix: config.REDIS_PREFIX,
    apar: createAparService({ db: app.db, log: app.log }),
  });
  await app.register(portalRoutes, { prefix: '/api/v1', service, config });
};

export const aparPortalModule: FigModule = { name: 'apar-portal', plugin };
