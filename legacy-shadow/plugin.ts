import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../modules/core/errors';
import { withTenant } from '../modules/core/db';
import { recordAudit } from '../modules/audit/index';
import { NormaliseRules, ShadowService, type ShadowJob } from './http/index';
import { AutoRollbackWatcher, blockingGates, evaluateGate, GateConfig, summarise, type GateSummary } from './gates/index';
import { shadowOpsRoutes } from './ops-routes';
import { familySettingsOf } from './families/bonus';

/** A route as the gates read it (the gateway's live route entry satisfies it). */
export interface GatedRoute {
  key: string;
  mode: string;
  canary_percent: number;
  gate: unknown;
  servedBy: string | null;
}

/** A flip as the gate keeper judges it (the gateway's flip input satisfies it). */
export interface GatedFlip {
  mode: string;
  canaryPercent?: number;
  reason: string;
  actor: string;
  override?: boolean;
  requestId?: string;
  tenantId?: string;
}

/** Route gates as the ops API and the console use them. */
export interface RouteGates {
  /** The short gate of a route for lists: non-servable routes fail without a query. */
  summary(route: GatedRoute, tenantId?: string): Promise<GateSummary>;
  /**
   * The parity gate checked before a flip adding traffic to the new side: a 409 problem
   * (FIG_GATE_FAILED) when it fails and the flip is no override; else the evidence to record.
   */
  check(route: GatedRoute, input: GatedFlip): Promise<unknown>;
}

/** The gates in words, for problem details. */
const GATE_NAMES = { module: 'module gate', shadow: 'HTTP shadow gate', engine: 'engine gate' } as const;

declare module 'fastify' {
  interface FastifyInstance {
    shadow: ShadowService;
    routeGates: RouteGates;
    autoRollback: AutoRollbackWatcher;
  }
}

/**
 * The HTTP shadow: the shadow service (app.shadow) used by the shadow/canary/new dispatch
 * strategies, the route gates (app.routeGates) checked by every flip that adds traffic to the
 * new side (409 FIG_GATE_FAILED unless overridden), the auto-rollback watcher, and the ops routes
 * /_fig/routes/{key}/shadow|mismatches|gate|reconciliation|reconcile. Reaches the gateway only
 * through `app.routeTable` (flip, get) and is handed to it as a port (httpShadow below).
 */
export const shadowPlugin = fp(
  async (app: FastifyInstance) => {
    const registry = (app as { metrics?: { registry?: import('prom-client').Registry } }).metrics?.registry;
    const shadow = new ShadowService({
      db: app.db,
      redis: app.redis,
      config: app.config,
      log: app.log.child({ component: 'shadow' }),
      // background: the module's heavy work in these calls runs at the lowest priority (ADR 0031).
      moduleContext: { db: app.db, redis: app.redis, config: app.config, log: app.log.child({ component: 'shadow' }), background: true },
      registry,
    });
    app.decorate('shadow', shadow);
    shadow.start();

    // Every request this process answers is a primary: shadow work waits while any is in flight
    // (ADR 0024). onResponse, onRequestAbort or the response's close ends it, once.
    const inFlight = new WeakSet<object>();
    const ended = (request: object) => {
      if (inFlight.delete(request)) shadow.primaryEnded();
    };
    app.addHook('onRequest', (request, reply, done) => {
      inFlight.add(request);
      shadow.primaryStarted();
      reply.raw.once('close', () => ended(request));
      done();
    });
    app.addHook('onResponse', (request, _reply, done) => {
      ended(request);
      done();
    });
    app.addHook('onRequestAbort', (request, done) => {
      ended(request);
      done();
    });

    // Engine parity reports of the legacy family are read in the tenant its requests run in.
    const engineTenantId = app.config.LEGACY_TENANT;
    app.decorate('routeGates', {
      async summary(route: GatedRoute, tenantId?: string): Promise<GateSummary> {
        if (!route.servedBy) return { passed: false, failing: ['servable'], blockedBy: ['module'] };
        return summarise(await evaluateGate(app.db, route, { tenantId, engineTenantId }));
      },
      async check(route: GatedRoute, input: GatedFlip): Promise<unknown> {
        const gate = await evaluateGate(app.db, route, { tenantId: input.tenantId, engineTenantId });
        if (!gate.passed && !input.override) {
          const failing = gate.checks.filter((c) => !c.passed);
          const blockedBy = blockingGates(gate.checks);
          throw new AppError(
            'FIG_GATE_FAILED',
            409,
            `The ${blockedBy.map((g) => GATE_NAMES[g]).join(' and the ')} of ${route.key} ${blockedBy.length > 1 ? 'fail' : 'fails'} (${failing.map((c) => `${c.name}: ${c.actual ?? 'none'}, needs ${c.required}`).join('; ')}). ${blockedBy.includes('engine') ? 'Finance must sign off a parity report that passed Gate A (modules/parity); ' : ''}Collect more shadow evidence, or override with a reason (permission routes.override).`,
            [],
            { routeKey: route.key, mode: input.mode, blockedBy, checks: gate.checks, evidence: gate.evidence },
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
      },
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
      await watcher.stop();
      // Give queued samples a moment to finish; never hold the shutdown for a stuck module.
      await Promise.race([shadow.drain().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
      await shadow.stop();
    });

    await app.register(shadowOpsRoutes);
  },
  { name: 'shadow', dependencies: ['route-table'] },
);

/**
 * The HTTP shadow as the gateway's routing plugin takes it (its ShadowPort, gateway/routing/
 * shadow-port.ts): the plugin above, and the port read from the app once it loaded.
 */
export const httpShadow = {
  plugin: shadowPlugin,
  port: (app: FastifyInstance) => {
    const shadow = app.shadow;
    const gates = app.routeGates;
    return {
      reserve: (routeKey: string, requestId: string, primarySide: 'legacy' | 'new') => shadow.reserve(routeKey, requestId, primarySide),
      submit: (sample: ShadowJob) => shadow.submit(sample),
      skip: (routeKey: string, reason: 'body_over_cap' | 'write_policy_skip' | 'primary_failed' | 'ledger_unavailable', primarySide: 'legacy' | 'new', requestId: string) =>
        shadow.skip(routeKey, reason, primarySide, requestId),
      rulesFor: (route: { key: string; version: number; normalise: unknown }) => shadow.rulesFor(route),
      recordServed: (routeKey: string, version: number, status: number) => shadow.recordServed(routeKey, version, status),
      checkGate: (route: GatedRoute, input: GatedFlip) => gates.check(route, input),
      gateSummary: (route: GatedRoute, tenantId?: string) => gates.summary(route, tenantId),
      defaultSettings: (key: string) => familySettingsOf(key),
      settingsSchemas: { normalise: NormaliseRules.partial().passthrough(), gate: GateConfig.partial().passthrough() },
    };
  },
};
