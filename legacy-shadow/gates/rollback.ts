import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../../modules/core/config';
import type { Db } from '../../modules/core/db';
import { readTotals } from '../http/index';
import { gateConfigOf } from './gate';

/** A route mode, as the gateway's route table names them. */
export type RouteMode = 'legacy' | 'shadow' | 'canary' | 'new';

/** The part of the route table the watcher needs (the gateway's RouteTable satisfies it). */
export interface RollbackTable {
  all(): { key: string; mode: RouteMode; canary_percent: number; version: number; gate: unknown; updated_at: Date }[];
  flip(
    key: string,
    input: { mode: RouteMode; canaryPercent?: number; reason: string; actor: string; evidence?: unknown; system?: boolean },
  ): Promise<unknown>;
}

export interface RollbackAction {
  routeKey: string;
  from: RouteMode;
  to: RouteMode;
  canaryPercent?: number;
  reason: string;
  evidence: Record<string, unknown>;
}

export const AUTO_ROLLBACK_ACTOR = 'auto-rollback';

/**
 * Watches every route in canary or new and sends it back when the new side exceeds its budget
 * over the window: 5xx rate of module-side answers, or mismatch rate of shadow samples, both
 * counted since the route's current version (its last flip) only. canary → legacy; new → the
 * mode before it when that was canary or shadow, else legacy. Runs in every gateway process;
 * one leader at a time (a Redis lock with a TTL of three intervals) does the work.
 */
export class AutoRollbackWatcher extends EventEmitter<{ rollback: [RollbackAction] }> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly id = randomUUID();
  private readonly counter: Counter<'route_key' | 'to'> | undefined;

  constructor(
    private readonly deps: {
      db: Db;
      redis: Redis;
      config: Config;
      log: FastifyBaseLogger;
      table: RollbackTable;
      servedCounts: (key: string, version: number, windowSeconds: number) => Promise<{ requests: number; errors: number }>;
      registry?: Registry;
    },
  ) {
    super();
    if (deps.registry) {
      this.counter = new Counter({
        name: 'fig_auto_rollbacks_total',
        help: 'Routes sent back automatically because the new side exceeded its error or mismatch budget',
        labelNames: ['route_key', 'to'],
        registers: [deps.registry],
      });
    }
  }

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.leaderTick().finally(() => (this.running = undefined));
    }, this.deps.config.AUTOROLLBACK_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private get lockKey(): string {
    return `${this.deps.config.REDIS_PREFIX}autorollback:leader`;
  }

  /** Take or keep the leader lock; true when this process leads. */
  async lead(): Promise<boolean> {
    const ttl = this.deps.config.AUTOROLLBACK_INTERVAL_MS * 3;
    const got = await this.deps.redis.set(this.lockKey, this.id, 'PX', ttl, 'NX');
    if (got === 'OK') return true;
    if ((await this.deps.redis.get(this.lockKey)) === this.id) {
      await this.deps.redis.pexpire(this.lockKey, ttl);
      return true;
    }
    return false;
  }

  private async leaderTick(): Promise<void> {
    try {
      if (await this.lead()) await this.tick();
    } catch (err) {
      this.deps.log.warn({ err }, 'auto-rollback check failed');
    }
  }

  /** One check of every route in canary/new (the leader's work; tests call it directly). */
  async tick(): Promise<RollbackAction[]> {
    const actions: RollbackAction[] = [];
    for (const route of this.deps.table.all()) {
      if (route.mode !== 'canary' && route.mode !== 'new') continue;
      const budget = this.budgetOf(route.gate);
      if (!budget.enabled) continue;
      const served = await this.deps.servedCounts(route.key, route.version, budget.windowSeconds);
      const totals = await readTotals(this.deps.db, route.key, budget.windowSeconds, route.updated_at);
      const errorRate = served.requests ? served.errors / served.requests : 0;
      const mismatchRate = totals.samples ? totals.mismatches / totals.samples : 0;
      let why: string | undefined;
      if (served.requests >= budget.minRequests && errorRate > budget.maxErrorRate) {
        why = `error rate ${pct(errorRate)} (${served.errors} of ${served.requests} module answers were 5xx) over ${budget.windowSeconds}s exceeds the budget ${pct(budget.maxErrorRate)}`;
      } else if (totals.samples >= budget.minRequests && mismatchRate > budget.maxMismatchRate) {
        why = `mismatch rate ${pct(mismatchRate)} (${totals.mismatches} of ${totals.samples} shadow samples) over ${budget.windowSeconds}s exceeds the budget ${pct(budget.maxMismatchRate)}`;
      }
      if (!why) continue;
      const target = await this.targetOf(route);
      const evidence = { served, errorRate, mismatchRate, totals, budget, version: route.version };
      const action: RollbackAction = { routeKey: route.key, from: route.mode, to: target.mode, canaryPercent: target.canaryPercent, reason: `auto-rollback: ${why}`, evidence };
      await this.deps.table.flip(route.key, { mode: target.mode, canaryPercent: target.canaryPercent, reason: action.reason, actor: AUTO_ROLLBACK_ACTOR, evidence, system: true });
      this.counter?.inc({ route_key: route.key, to: target.mode });
      this.deps.log.warn({ routeKey: route.key, from: route.mode, to: target.mode, errorRate, mismatchRate, served, samples: totals.samples }, action.reason);
      this.emit('rollback', action);
      actions.push(action);
    }
    return actions;
  }

  private budgetOf(gate: unknown) {
    const r = gateConfigOf(gate).rollback;
    const c = this.deps.config;
    return {
      enabled: r.enabled ?? true,
      windowSeconds: r.windowSeconds ?? c.AUTOROLLBACK_WINDOW_S,
      maxErrorRate: r.maxErrorRate ?? c.AUTOROLLBACK_MAX_ERROR_RATE,
      maxMismatchRate: r.maxMismatchRate ?? c.AUTOROLLBACK_MAX_MISMATCH_RATE,
      minRequests: r.minRequests ?? c.AUTOROLLBACK_MIN_REQUESTS,
    };
  }

  /** canary → legacy; new → the mode it came from when that was canary or shadow, else legacy. */
  private async targetOf(route: { key: string; mode: RouteMode }): Promise<{ mode: RouteMode; canaryPercent?: number }> {
    if (route.mode === 'canary') return { mode: 'legacy' };
    const last = await this.deps.db
      .selectFrom('gateway.route_changes')
      .where('route_key', '=', route.key)
      .select(['before', 'after'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const before = last?.before as { mode?: RouteMode; canaryPercent?: number } | null | undefined;
    const after = last?.after as { mode?: RouteMode } | null | undefined;
    if (after?.mode === 'new' && (before?.mode === 'canary' || before?.mode === 'shadow')) {
      return before.mode === 'canary' ? { mode: 'canary', canaryPercent: before.canaryPercent } : { mode: 'shadow' };
    }
    return { mode: 'legacy' };
  }
}

const pct = (x: number) => `${Math.round(x * 10000) / 100}%`;
