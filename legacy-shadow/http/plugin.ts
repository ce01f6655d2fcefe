import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../modules/core/errors';
import { withTenant } from '../../modules/core/db';
import { recordAudit } from '../../modules/audit/index';
import type { FlipInput, LiveRoute } from '../../gateway/routing/route-table';
import { ShadowService } from './service';
import { shadowOpsRoutes } from './routes';
import { evaluateGate, summarise, type GateSummary } from '../gates/gate';
import { AutoRollbackWatcher } from '../gates/rollback';

/** Route gates as the ops API and the console use them. */
export interface RouteGates {
  /** The short gate of a route for lists: non-servable routes fail without a query. */
  summary(route: LiveRoute, tenantId?: string): Promise<GateSummary>;
}

declare module 'fastify' {
  interface FastifyInstance {
    shadow: ShadowService;
    routeGates: RouteGates;
    autoRollback: AutoRollbackWatcher;
  }
}

/**
 * Issue 7 wiring: the shadow service (app.shadow) used by the shadow/canary/new dispatch
 * strategies, the parity gate checked by every flip that adds traffic to the new side
 * (409 FIG_GATE_FAILED unless overridden), the auto-rollback watcher, and the ops routes
 * /_fig/routes/{key}/shadow|mismatches|gate|settings|reconciliation.
 */
export const shadowPlugin = fp(
  async (app: FastifyInstance) => {
    const registry = (app as { metrics?: { registry?: import('prom-client').Registry } }).metrics?.registry;
    const shadow = new ShadowService({
      db: app.db,
      redis: app.redis,
      config: app.config,
      log: app.log.child({ component: 'shadow' }),
      moduleContext: { db: app.db, redis: app.redis, config: app.config, log: app.log.child({ component: 'shadow' }) },
      registry,
    });
    app.decorate('shadow', shadow);
    shadow.start();

    app.decorate('routeGates', {
      async summary(route: LiveRoute, tenantId?: string): Promise<GateSummary> {
        if (!route.servedBy) return { passed: false, failing: ['servable'] };
        return summarise(await evaluateGate(app.db, route, { tenantId }));
      },
    });

    app.routeTable.setGateKeeper(async (route: LiveRoute, input: FlipInput) => {
      const gate = await evaluateGate(app.db, route, { tenantId: input.tenantId });
      if (!gate.passed && !input.override) {
        const failing = gate.checks.filter((c) => !c.passed);
        throw new AppError(
          'FIG_GATE_FAILED',
          409,
          `The parity gate of ${route.key} fails (${failing.map((c) => `${c.name}: ${c.actual ?? 'none'}, needs ${c.required}`).join('; ')}). Collect more shadow evidence, or override with a reason (permission routes.override).`,
          [],
          { routeKey: route.key, mode: input.mode, checks: gate.checks, evidence: gate.evidence },
        );
      }
      if (input.override && !gate.passed && input.tenantId) {
        await withTenant(app.db, input.tenantId, (trx) =>
          recordAudit(trx, {
            tenantId: input.tenantId!,
            actor: input.actor,
            action: 'route.gate_override',
            entity: 'route',
            entityId: route.key,
            before: { mode: route.mode, canaryPercent: route.canary_percent },
            after: { mode: input.mode, canaryPercent: input.canaryPercent ?? route.canary_percent, reason: input.reason, gate: { passed: gate.passed, checks: gate.checks } },
            requestId: input.requestId,
          }),
        );
      }
      return { gate: { passed: gate.passed, checks: gate.checks, ...gate.evidence }, overridden: !gate.passed && input.override === true };
    });

    const watcher = new AutoRollbackWatcher({
      db: app.db,
      redis: app.redis,
      config: app.config,
      log: app.log.child({ component: 'auto-rollback' }),
      table: app.routeTable,
      servedCounts: (key, version, windowSeconds) => shadow.servedCounts(key, version, windowSeconds),
      registry,
    });
    app.decorate('autoRollback', watcher);
    if (app.config.AUTOROLLBACK_ENABLED) watcher.start();

    app.addHook('onClose', async () => {
      app.routeTable.setGateKeeper(undefined);
      await watcher.stop();
      // Give queued samples a moment to finish; never hold the shutdown for a stuck module.
      await Promise.race([shadow.drain().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
      await shadow.stop();
    });

    await app.register(shadowOpsRoutes);
  },
  { name: 'shadow', dependencies: ['route-table'] },
);
