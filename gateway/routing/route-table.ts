import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from '../../modules/core/db';
import { AppError, badRequest, conflict, notFound } from '../../modules/core/errors';
import { cursorOffset, page, type Page } from '../../modules/core/pagination';
import type { FigModule } from '../../modules/core/module';
import { operationsOf } from './openapi';
import { RouteMatcher } from './matcher';
import { RouteFanout } from './route-fanout';
import * as repo from './route-repo';
import { flipGroup, type GroupFlipOutcome } from './route-group';
import type { RouteSettings } from './route-repo';
import type { RouteMode, RouteRecord } from './tables';
import { CANARY_PERCENT_MESSAGE, type ImportResult, type RouteChange, type RouteGroupSelector, type RouteSnapshot } from './schema';

export type { RouteSettings } from './route-repo';
export type { FlipInput, GateKeeper, LiveRoute, ServingModule } from './route-types';
import type { FlipInput, GateKeeper, LiveRoute, ServingModule } from './route-types';
import './tables';

export interface RouteFilter {
  search?: string;
  prefix?: string;
  mode?: RouteMode;
  limit?: number;
  cursor?: string;
}

export interface RouteTableEvents {
  flip: [{ key: string; from: RouteMode; to: RouteMode; actor: string }];
  killSwitch: [{ changed: number; actor: string }];
  reload: [{ routes: number; reason: string }];
}

/**
 * The route table: gateway.routes in Postgres is the truth (route-repo.ts), every process keeps
 * an in-memory copy for the request path (`modeFor` is synchronous). It is the only writer of
 * gateway.routes and gateway.route_changes: writes (flip, settings, kill switch, import) commit
 * first, then go out through the fan-out (route-fanout.ts), on which every process reloads.
 */
export class RouteTable extends EventEmitter<RouteTableEvents> {
  private routes = new Map<string, LiveRoute>();
  private matcher = new RouteMatcher([]);
  private readonly serving = new Map<string, ServingModule>();
  private readonly fanout: RouteFanout;
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
  private closed = false;
  private gateKeeper: GateKeeper | undefined;
  private settingsDefaults: ((key: string) => RouteSettings | undefined) | undefined;
  readonly channel: string;

  constructor(
    private readonly deps: {
      db: Db;
      redis: Redis;
      log: FastifyBaseLogger;
      redisPrefix: string;
      reloadIntervalMs: number;
      modules: FigModule[];
    },
  ) {
    super();
    this.fanout = new RouteFanout(deps);
    this.channel = this.fanout.channel;
    for (const mod of deps.modules) {
      for (const [key, handler] of Object.entries(mod.serves ?? {})) {
        if (this.serving.has(key)) throw new Error(`route ${key} is served by two modules: ${this.serving.get(key)!.module} and ${mod.name}`);
        this.serving.set(key, { module: mod.name, handler, ...(mod.bodyLimits?.[key] ? { bodyLimit: mod.bodyLimits[key] } : {}) });
      }
    }
  }

  /** Load the table, subscribe to changes and start the periodic reload. */
  async start(): Promise<void> {
    await this.reload('start');
    await this.fanout.start((reason) => void this.reload(reason));
  }

  /** Stop reloading; waits for a reload under way. */
  async stop(): Promise<void> {
    this.closed = true;
    this.fanout.stop();
    await this.reloading?.catch(() => undefined);
  }

  /** Re-read gateway.routes into memory. Concurrent calls coalesce into at most one extra read. */
  reload(reason = 'manual'): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.reloadAgain = false;
          if (this.closed) return;
          const rows = await repo.listRoutes(this.deps.db);
          this.replace(rows);
          this.emit('reload', { routes: rows.length, reason });
        } while (this.reloadAgain);
      } catch (err) {
        this.deps.log.warn({ err, reason }, 'route table reload failed; keeping the last copy');
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  private replace(rows: RouteRecord[]): void {
    const next = new Map<string, LiveRoute>();
    for (const r of rows) next.set(r.key, { ...r, servedBy: this.serving.get(r.key)?.module ?? null });
    this.routes = next;
    this.matcher = new RouteMatcher(rows);
  }

  private upsertLocal(row: RouteRecord): LiveRoute {
    const live = { ...row, servedBy: this.serving.get(row.key)?.module ?? null };
    const next = new Map(this.routes);
    next.set(row.key, live);
    this.routes = next;
    return live;
  }

  /** Install the parity gate checked by `flip` (legacy-shadow/gates). */
  setGateKeeper(fn: GateKeeper | undefined): void {
    this.gateKeeper = fn;
  }

  /** Install the default shadow settings of route families (applied by the import to untouched routes). */
  setSettingsDefaults(fn: ((key: string) => RouteSettings | undefined) | undefined): void {
    this.settingsDefaults = fn;
  }

  /** Live mode of a route key from the in-memory copy; unknown keys are legacy. */
  modeFor(key: string): RouteMode {
    return this.routes.get(key)?.mode ?? 'legacy';
  }

  /** Live entry of a route key, if the table has it. */
  find(key: string): LiveRoute | undefined {
    return this.routes.get(key);
  }

  /** The route key a request matches (by the legacy OpenAPI templates), if any. */
  match(method: string, url: string): string | undefined {
    return this.matcher.match(method, url);
  }

  /** The hosted module answering a route key in new/shadow/canary modes, if any. */
  servingModule(key: string): ServingModule | undefined {
    return this.serving.get(key);
  }

  /** Every route key some hosted module serves. */
  servedKeys(): string[] {
    return [...this.serving.keys()].sort();
  }

  /** Hosted modules and the keys they serve. */
  modules(): { name: string; serves: string[] }[] {
    return this.deps.modules.map((m) => ({ name: m.name, serves: Object.keys(m.serves ?? {}).sort() }));
  }

  /** Every live entry, sorted by path then method. */
  all(): LiveRoute[] {
    return [...this.routes.values()].sort((a, b) => a.path_template.localeCompare(b.path_template) || a.method.localeCompare(b.method));
  }

  /** A page of routes from the in-memory copy (the same copy the request path uses). */
  list(filter: RouteFilter = {}): Page<LiveRoute> {
    const search = filter.search?.toLowerCase();
    const rows = this.all().filter(
      (r) =>
        (!filter.mode || r.mode === filter.mode) &&
        (!filter.prefix || r.path_template.startsWith(filter.prefix)) &&
        (!search || r.key.toLowerCase().includes(search) || (r.summary ?? '').toLowerCase().includes(search) || r.tags.some((t) => t.toLowerCase().includes(search))),
    );
    const limit = filter.limit ?? 100;
    const offset = cursorOffset(filter.cursor);
    return page(rows.slice(offset, offset + limit), rows.length, offset, limit);
  }

  /** A route from the database (the truth), or a 404 problem. */
  async get(key: string): Promise<LiveRoute> {
    const row = await repo.findRoute(this.deps.db, key);
    if (!row) throw notFound('Route', key);
    return { ...row, servedBy: this.serving.get(key)?.module ?? null };
  }

  /**
   * Change a route's mode. The update and its audit row commit together; then every process
   * is told. Refuses (409 FIG_ROUTE_NOT_SERVABLE) any mode but legacy when no hosted module
   * serves the key. Setting the mode a route already has changes and records nothing.
   */
  async flip(key: string, input: FlipInput): Promise<LiveRoute> {
    // Refused, not silently slow: with Redis away the other processes would keep the old mode for
    // up to a reload interval (docs/reliability.md). The kill switch still works (see killSwitch).
    if (!this.fanout.available) {
      throw new AppError('FIG_ROUTE_FANOUT_UNAVAILABLE', 503, 'Redis is unreachable, so other gateway processes cannot be told of a flip at once; nothing was changed. Retry when Redis is back (the kill switch still works).', [], { routeKey: key });
    }
    const serving = this.serving.get(key);
    if (input.mode !== 'legacy' && !serving) {
      // Check existence first so an unknown key is a 404, not a 409.
      await this.get(key);
      throw conflict(
        'FIG_ROUTE_NOT_SERVABLE',
        `No hosted module serves ${key}, so it can only be in mode legacy. Register a module whose \`serves\` includes "${key}" in gateway/modules.ts, then flip again.`,
        { routeKey: key, mode: input.mode },
      );
    }
    let evidence = input.evidence;
    if (this.gateKeeper && !input.system && (input.mode === 'canary' || input.mode === 'new')) {
      const current = await this.get(key);
      const exposure = (mode: RouteMode, pct: number) => (mode === 'new' ? 100 : mode === 'canary' ? pct : 0);
      if (exposure(input.mode, input.canaryPercent ?? current.canary_percent) > exposure(current.mode, current.canary_percent)) {
        evidence = (await this.gateKeeper(current, input)) ?? evidence;
      }
    }
    const result = await repo.flipRoute(
      this.deps.db,
      key,
      (before) => {
        const after: RouteSnapshot = {
          mode: input.mode,
          canaryPercent: input.canaryPercent ?? before.canary_percent,
          module: input.mode === 'legacy' ? before.module : serving!.module,
        };
        if (after.mode === 'canary' && after.canaryPercent < 1)
          throw badRequest('1 invalid field(s)', [{ path: 'body.canaryPercent', message: CANARY_PERCENT_MESSAGE, code: 'custom' }], 'FIG_VALIDATION');
        const was = repo.snapshot(before);
        return was.mode === after.mode && was.canaryPercent === after.canaryPercent ? undefined : after;
      },
      { actor: input.actor, reason: input.reason, evidence, override: input.override, requestId: input.requestId },
    );
    if (!result) throw notFound('Route', key);
    const live = this.upsertLocal(result.row);
    if (result.changed) {
      await this.fanout.publish({ op: 'flip', key, version: result.row.version });
      this.emit('flip', { key, from: result.was.mode, to: result.row.mode, actor: input.actor });
      this.deps.log.info({ routeKey: key, from: result.was.mode, to: result.row.mode, actor: input.actor, reason: input.reason }, 'route flipped');
    }
    return live;
  }

  /**
   * Flip a group of routes (a path prefix, a module's keys, or a list) with one reason, all or
   * nothing (route-group.ts): gates checked for every route first, one transaction, one audit row
   * per changed route, one fan-out.
   */
  flipGroup(selector: RouteGroupSelector, input: FlipInput): Promise<GroupFlipOutcome> {
    return flipGroup(
      {
        db: this.deps.db,
        log: this.deps.log,
        routes: () => this.all(),
        serving: (key) => this.serving.get(key),
        gateKeeper: this.gateKeeper,
        get: (key) => this.get(key),
        applied: async (rows, changed) => {
          const live = rows.map((r) => this.upsertLocal(r));
          if (changed.length) {
            await this.fanout.publish({ op: 'group-flip', keys: changed.map((c) => c.key) });
            for (const c of changed) this.emit('flip', { ...c, actor: input.actor });
          }
          return live;
        },
      },
      selector,
      input,
    );
  }

  /**
   * Change a route's shadow settings (write policy, normalisation rules, gate config; each
   * optional, validated by the caller). The update and its change row (reason prefixed
   * `settings:`) commit together; then every process is told.
   */
  async updateSettings(key: string, settings: RouteSettings, input: { actor: string; reason: string; requestId?: string }): Promise<LiveRoute> {
    const row = await repo.updateRouteSettings(this.deps.db, key, settings, { actor: input.actor, reason: `settings: ${input.reason}`, requestId: input.requestId });
    if (!row) throw notFound('Route', key);
    await this.reload('settings');
    await this.fanout.publish({ op: 'settings', key, version: row.version });
    this.deps.log.info({ routeKey: key, actor: input.actor, reason: input.reason, settings: Object.keys(settings) }, 'route settings changed');
    return this.get(key);
  }

  /** Send every non-legacy route back to legacy in one transaction, one audit row each, one publish. */
  async killSwitch(input: { reason: string; actor: string; requestId?: string }): Promise<{ changed: number; routes: string[] }> {
    const changed = await repo.sendAllToLegacy(this.deps.db, { actor: input.actor, reason: `kill switch: ${input.reason}`, requestId: input.requestId });
    // Apply locally at once, then tell everyone (even when nothing changed here, a stale peer may need it).
    await this.reload('kill-switch');
    await this.fanout.publish({ op: 'kill-switch', keys: changed });
    this.emit('killSwitch', { changed: changed.length, actor: input.actor });
    this.deps.log.warn({ changed: changed.length, actor: input.actor, reason: input.reason }, 'kill switch: every route back to legacy');
    return { changed: changed.length, routes: changed };
  }

  /**
   * Create one row per `METHOD /path` of a legacy OpenAPI document. Existing rows keep their
   * mode; their summary and tags are refreshed.
   */
  async importOpenApi(doc: unknown): Promise<ImportResult> {
    const ops = operationsOf(doc);
    const { added, updated } = await repo.upsertImported(this.deps.db, ops);
    // Routes legacy no longer documents: a legacy-mode one is dropped (with a change row, so the
    // history says where it went); one a module answers stays until ops move it back.
    const documented = new Set(ops.map((o) => o.key));
    const stale = ops.length ? await repo.listImported(this.deps.db) : [];
    const gone = stale.filter((r) => !documented.has(r.key));
    const removable = gone.filter((r) => r.mode === 'legacy');
    const orphaned = gone.filter((r) => r.mode !== 'legacy').map((r) => r.key);
    await repo.deleteUndocumented(this.deps.db, removable);
    const defaulted = await this.applyFamilyDefaults(ops.map((o) => o.key));
    const total = await repo.countRoutes(this.deps.db);
    await this.reload('import');
    await this.fanout.publish({ op: 'import' });
    if (defaulted.length) this.deps.log.info({ routes: defaulted }, 'route family defaults applied to imported routes');
    return { added, updated, removed: removable.length, orphaned, total };
  }

  /**
   * Give routes of a known family (the shadow's defaults) their write policy and normalisation
   * rules, when nobody set any yet (write policy skip, empty rules): recorded like any settings change.
   */
  async applyFamilyDefaults(keys: string[] = this.all().map((r) => r.key)): Promise<string[]> {
    const done: string[] = [];
    for (const key of keys) {
      const defaults = this.settingsDefaults?.(key);
      if (!defaults) continue;
      const row = await repo.findRoute(this.deps.db, key);
      const untouched = row && row.write_policy === 'skip' && (row.normalise === null || Object.keys(row.normalise as object).length === 0);
      if (!untouched) continue;
      await repo.updateRouteSettings(this.deps.db, key, defaults, { actor: 'openapi-import', reason: 'settings: route family defaults (write policy, normalisation rules)' });
      done.push(key);
    }
    if (done.length) {
      await this.reload('settings');
      await this.fanout.publish({ op: 'settings', keys: done });
    }
    return done;
  }

  /** Number of rows in gateway.routes (database, not memory). */
  count(): Promise<number> {
    return repo.countRoutes(this.deps.db);
  }

  /** Audit trail of flips, newest first. */
  history(filter: { routeKey?: string; limit?: number; cursor?: string } = {}): Promise<Page<RouteChange>> {
    return repo.listChanges(this.deps.db, filter);
  }
}
