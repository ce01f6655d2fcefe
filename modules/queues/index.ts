import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { createBullBoard } from '@bull-board/api';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../core/config';
import { AppError } from '../core/errors';
import { queueName } from '../core/jobs';
import type { FigModule } from '../core/module';

export const QUEUES_BASE_PATH = '/_fig/queues';
/** The HttpOnly cookie the board's pages authenticate with in a browser (set by POST /_fig/queues-session). */
export const QUEUES_COOKIE = 'fig_queues';
const PERMISSION = 'platform.queues.read';

/**
 * Bull Board (the BullMQ queues of every module's jobs: waiting, active, failed, retry) at
 * /_fig/queues, for the `ops` platform role only: every route of the board, its API and its
 * static files included, carries `config.permission: platform.queues.read`, so the auth guard
 * answers 401/403 problems like for any other route (docs/runs.md).
 *
 * A browser cannot add a bearer header to the board's own page loads, so the SPA opens it through
 * `POST /_fig/queues-session` (bearer, same permission): that puts the caller's access token in an
 * HttpOnly, SameSite=Strict cookie scoped to /_fig/queues and expiring with the token; the board's
 * routes read it when no Authorization header is sent (`config.cookieAuth`). Revocation and the
 * permission check apply to the cookie exactly as to the header.
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
          cookieAuth: QUEUES_COOKIE,
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

    app.post(
      '/_fig/queues-session',
      { config: { permission: PERMISSION }, schema: { hide: true } },
      async (request, reply) => {
        const auth = request.auth;
        const token = request.headers.authorization?.slice(7).trim();
        if (!auth || auth.kind !== 'user' || !token || request.authExpiresAt === undefined)
          throw new AppError(
            'FIG_QUEUES_SESSION_USER_ONLY',
            400,
            'Only a signed-in user opens the queues in a browser; automation sends its bearer token to /_fig/queues directly',
          );
        const maxAge = Math.max(0, request.authExpiresAt - Math.floor(Date.now() / 1000));
        void reply.setCookie(QUEUES_COOKIE, token, {
          path: QUEUES_BASE_PATH,
          httpOnly: true,
          sameSite: 'strict',
          secure: request.protocol === 'https',
          maxAge,
        });
        return reply.code(204).send();
      },
    );
    app.delete('/_fig/queues-session', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
      void reply.clearCookie(QUEUES_COOKIE, { path: QUEUES_BASE_PATH });
      return reply.code(204).send();
    });
  };
  return { name: 'queues', plugin };
}
