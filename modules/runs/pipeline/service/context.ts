import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../../core/config';
import type { Db } from '../../../core/db';
import type { TransitionActor } from '../states';

/** What every pipeline use case receives. */
export interface PipelineDeps {
  db: Db;
  redis: Redis;
  config: Config;
  log: FastifyBaseLogger;
}

/** Who calls, in which tenant. */
export interface Caller extends TransitionActor {
  tenantId: string;
}
