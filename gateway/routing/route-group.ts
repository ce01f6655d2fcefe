import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../modules/core/db';
import { AppError, badRequest, conflict } from '../../modules/core/errors';
import * as repo from './route-repo';
import type { FlipInput, GateKeeper, LiveRoute, ServingModule } from './route-types';
import type { BlockedRoute, GateKind, RouteGroupSelector, RouteSnapshot } from './schema';
import type { RouteMode, RouteRecord } from './tables';

/** What a group flip needs from the route table. */
export interface GroupFlipDeps {
  db: Db;
  log: FastifyBaseLogger;
  routes: () => LiveRoute[];
  serving: (key: string) => ServingModule | undefined;
  gateKeeper: GateKeeper | undefined;
  get: (key: string) => Promise<LiveRoute>;
  applied: (
    rows: RouteRecord[],
    changed: { key: string; from: RouteMode; to: RouteMode }[],
  ) => Promise<LiveRoute[]>;
}

export interface GroupFlipOutcome {
  changed: string[];
  unchanged: string[];
  routes: LiveRoute[];
}

const exposure = (mode: RouteMode, pct: number) => (mode === 'new' ? 100 : mode === 'canary' ? pct : 0);

/** The keys of a group, sorted: by path prefix(es) (a prefix matches at a path-segment boundary), hosted module, or listed keys. */
export function selectGroup(
  all: LiveRoute[],
  selector: RouteGroupSelector,
  serving: (key: string) => ServingModule | undefined,
): string[] {
  if (selector.keys) return [...new Set(selector.keys)].sort();
  if (selector.module)
    return all
      .filter((r) => serving(r.key)?.module === selector.module)
      .map((r) => r.key)
      .sort();
  const prefixes =
    selector.prefix === undefined ? [] : Array.isArray(selector.prefix) ? selector.prefix : [selector.prefix];
  const under = (path: string, p: string) =>
    path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`) || path.startsWith(`${p}.`);
  return all
    .filter((r) => prefixes.some((p) => under(r.path_template, p)))
    .map((r) => r.key)
    .sort();
}

const describe = (s: RouteGroupSelector) =>
  s.keys
    ? `keys ${s.keys.join(', ')}`
    : s.module
      ? `module ${s.module}`
      : `prefix ${[s.prefix].flat().join(', ')}`;

/**
 * Flip a group of routes with one reason, all or nothing: every route must exist and be servable
 * (unless the group goes to legacy), and every route whose exposure grows must pass its gates
 * (checked for every route first, so one refusal lists all the blocked routes and which gate
 * blocks each). Then one transaction writes every row and its change row (evidence per route,
 * plus the group), and one fan-out tells every process.
 */
export async function flipGroup(
  deps: GroupFlipDeps,
  selector: RouteGroupSelector,
  input: FlipInput,
): Promise<GroupFlipOutcome> {
  const keys = selectGroup(deps.routes(), selector, deps.serving);
  if (keys.length === 0)
    throw new AppError('FIG_NOT_FOUND', 404, `No route matches ${describe(selector)}`, [], { selector });
  if (input.mode === 'canary' && !(input.canaryPercent && input.canaryPercent >= 1))
    throw badRequest(
      '1 invalid field(s)',
      [
        {
          path: 'body.canaryPercent',
          message: 'a canary needs canaryPercent between 1 and 100',
          code: 'custom',
        },
      ],
      'FIG_VALIDATION',
    );

  const current = await Promise.all(keys.map((k) => deps.get(k)));
  if (input.mode !== 'legacy') {
    const unservable = current.filter((r) => !deps.serving(r.key)).map((r) => r.key);
    if (unservable.length)
      throw conflict(
        'FIG_ROUTE_NOT_SERVABLE',
        `${unservable.length} of ${keys.length} routes of ${describe(selector)} have no hosted module, so the group can only go to legacy: ${unservable.join(', ')}. Nothing was flipped.`,
        { selector, mode: input.mode, routes: unservable },
      );
  }

  // Gates: every route first, collecting each refusal; nothing is written unless all pass.
  const evidence = new Map<string, unknown>();
  const blocked: BlockedRoute[] = [];
  if (deps.gateKeeper && !input.system && (input.mode === 'canary' || input.mode === 'new')) {
    for (const route of current) {
      if (
        exposure(input.mode, input.canaryPercent ?? route.canary_percent) <=
        exposure(route.mode, route.canary_percent)
      )
        continue;
      try {
        evidence.set(route.key, await deps.gateKeeper(route, input));
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'FIG_GATE_FAILED') throw err;
        const checks = (err.extra.checks ?? []) as BlockedRoute['checks'];
        blocked.push({ routeKey: route.key, blockedBy: (err.extra.blockedBy ?? []) as GateKind[], checks });
      }
    }
  }
  if (blocked.length) {
    const lines = blocked.map(
      (b) =>
        `${b.routeKey} (${b.blockedBy.join(' + ') || 'gate'}: ${b.checks
          .filter((c) => !c.passed)
          .map((c) => c.name)
          .join(', ')})`,
    );
    throw conflict(
      'FIG_GROUP_GATE_FAILED',
      `${blocked.length} of ${keys.length} routes of ${describe(selector)} fail their gates, so none was flipped: ${lines.join('; ')}. Collect the missing evidence, or override with a reason (permission routes.override).`,
      { selector, mode: input.mode, blocked },
    );
  }

  const group = { selector, keys };
  const result = await repo.flipRoutes(
    deps.db,
    keys,
    (before) => {
      const after: RouteSnapshot = {
        mode: input.mode,
        canaryPercent: input.canaryPercent ?? before.canary_percent,
        module: input.mode === 'legacy' ? before.module : deps.serving(before.key)!.module,
      };
      const was = repo.snapshot(before);
      return was.mode === after.mode && was.canaryPercent === after.canaryPercent ? undefined : after;
    },
    (key) => ({
      actor: input.actor,
      reason: input.reason,
      requestId: input.requestId,
      override: input.override,
      evidence: { group, ...(evidence.has(key) ? { gate: evidence.get(key) } : {}) },
    }),
  );
  if (result.missing.length)
    throw conflict(
      'FIG_ROUTE_GONE',
      `Routes left the table while flipping: ${result.missing.join(', ')}. Nothing was flipped.`,
      { routes: result.missing },
    );
  const changed = result.changed.map((c) => ({ key: c.key, from: c.was.mode, to: input.mode }));
  const routes = await deps.applied(result.rows, changed);
  deps.log.info(
    { selector, mode: input.mode, changed: changed.length, actor: input.actor, reason: input.reason },
    'route group flipped',
  );
  const changedKeys = new Set(changed.map((c) => c.key));
  return { changed: [...changedKeys], unchanged: keys.filter((k) => !changedKeys.has(k)), routes };
}
