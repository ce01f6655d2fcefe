import fp from 'fastify-plugin';
import { sql } from 'kysely';

/**
 * /healthz: the process is up. /readyz: every dependency answers; the response says which one
 * failed and how long each took, the error itself goes to the log only (it can name hosts, users
 * and versions).
 */
export const healthPlugin = fp(
  async (app) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

    app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
      const check = async (dependency: string, fn: () => Promise<unknown>) => {
        const started = performance.now();
        try {
          await fn();
          return { ok: true, ms: Math.round(performance.now() - started) };
        } catch (err) {
          request.log.warn({ err, dependency }, 'readiness check failed');
          return { ok: false, ms: Math.round(performance.now() - started) };
        }
      };
      const [postgres, redis, legacy] = await Promise.all([
        check('postgres', () => sql`select 1`.execute(app.db)),
        check('redis', () => app.redis.ping()),
        check('legacy', async () => {
          const res = await fetch(new URL('/health', app.config.LEGACY_URL), { signal: AbortSignal.timeout(2000) });
          if (!res.ok) throw new Error(`legacy /health answered ${res.status}`);
          await res.arrayBuffer();
        }),
      ]);
      const ready = postgres.ok && redis.ok && legacy.ok;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: { postgres, redis, legacy } });
    });
  },
  { name: 'health' },
);
