import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { createBullBoard } from '@bull-board/api';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../core/config';
import { queueName } from '../core/jobs';
import type { FigModule } from '../core/module';

export const QUEUES_BASE_PATH = '/_fig/queues';
const PERMISSION = 'platform.queues.read';

/**
 * Bull Board (the BullMQ queues of every module's jobs: waiting, active, failed, retry) at
 * /_fig/queues, for the `ops` platform role only: every route of the board, its API and its
 * static files included, carries `config.permission: platform.queues.read`, so the auth guard
 * answers 401/403 problems like for any other route (docs/runs.md).
 */
export function queuesModule(allModules: () => FigModule[]): FigModule {
  const plugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
    const connection = { url: config.REDIS_URL, maxRetriesPerRequest: null };
    const prefix = `${config.REDIS_PREFIX}bull`;
    const names = [
      ...new Set(allModules().flatMap((m) => (m.jobs ?? []).map((def) => queueName(def)))),
    ].sort();
    // Queues (one Redis connection each) are opened on the board's first allowed request, not at start.
    let queues: Queue[] = [];
    app.addHook('onClose', async () => {
      await Promise.all(queues.map((q) => q.close()));
    });
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUES_BASE_PATH);
    // @bull-board/fastify pins its own copy of @bull-board/api: the same interface, separate declarations.
    const adapter = serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'];
    const board = createBullBoard({
      queues: [],
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: 'fig queues' } },
    });
    // The board answers its errors itself; rethrown, they reach the app's problem+json handler instead.
    serverAdapter.setErrorHandler((err) => {
      throw err;
    });
    await app.register(async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = {
          ...(route.config as object | undefined),
          permission: PERMISSION,
        } as typeof route.config;
      });
      // After the auth guard (a parent hook): only a caller holding the permission opens the queues.
      scope.addHook('onRequest', async () => {
        if (queues.length > 0 || names.length === 0) return;
        queues = names.map((name) => new Queue(name, { connection, prefix }));
        board.replaceQueues(queues.map((q) => new BullMQAdapter(q)));
      });
      await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUES_BASE_PATH });
    });
  };
  return { name: 'queues', plugin };
}
