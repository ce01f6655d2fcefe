import { z } from 'zod';

/** Zod schemas of the ops API (/_fig/*), shared with the SPA. */

export const RouteMode = z.enum(['legacy', 'shadow', 'canary', 'new']);
export type RouteMode = z.infer<typeof RouteMode>;

export const RouteStats = z.object({
  requests: z.number().int(),
  errors: z.number().int(),
  errorRate: z.number(),
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  windowSeconds: z.number().int(),
});
export type RouteStats = z.infer<typeof RouteStats>;

/**
 * Which gate a check belongs to: `module` (a hosted module serves the route), `shadow` (the HTTP
 * shadow's samples, match rate, money and latency) or `engine` (finance's signed-off engine parity report).
 */
export const GateKind = z.enum(['module', 'shadow', 'engine']);
export type GateKind = z.infer<typeof GateKind>;

/** Parity gate of a route in short: failing check names and the gates they belong to; details at GET /_fig/routes/{key}/gate. */
export const RouteGate = z.object({ passed: z.boolean(), failing: z.array(z.string()), blockedBy: z.array(GateKind).optional() });
export type RouteGate = z.infer<typeof RouteGate>;

export const Route = z.object({
  key: z.string(),
  method: z.string(),
  path: z.string(),
  mode: RouteMode,
  canaryPercent: z.number().int(),
  module: z.string().nullable(),
  servable: z.boolean(),
  writePolicy: z.enum(['skip', 'dry-run', 'dual-write']),
  summary: z.string().nullable(),
  tags: z.array(z.string()),
  updatedAt: z.string(),
  version: z.number().int(),
  stats: RouteStats,
  gate: RouteGate.optional(),
});
export type Route = z.infer<typeof Route>;

export const RouteListQuery = z.object({
  search: z.string().max(200).optional(),
  prefix: z.string().max(500).optional(),
  mode: RouteMode.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});
export type RouteListQuery = z.infer<typeof RouteListQuery>;

export const RouteList = z.object({
  data: z.array(Route),
  total: z.number().int(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});

export const RouteKeyParams = z.object({ key: z.string().min(3).max(1000) });

/** Mode canary sends some traffic to the module: 0% would be legacy under another name. */
export const CANARY_PERCENT_MESSAGE = 'a canary needs canaryPercent between 1 and 100';

export const FlipBody = z
  .object({
    mode: RouteMode,
    canaryPercent: z.number().int().min(0).max(100).optional(),
    reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(2000),
    override: z.boolean().optional(),
  })
  .strict()
  .refine((b) => !(b.mode === 'canary' && b.canaryPercent === 0), {
    path: ['canaryPercent'],
    message: CANARY_PERCENT_MESSAGE,
  });
export type FlipBody = z.infer<typeof FlipBody>;

export const KillSwitchBody = z.object({ reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(2000) }).strict();
export const KillSwitchResult = z.object({ changed: z.number().int(), routes: z.array(z.string()) });

export const RouteSnapshot = z.object({ mode: RouteMode, canaryPercent: z.number().int(), module: z.string().nullable() });
export type RouteSnapshot = z.infer<typeof RouteSnapshot>;

export const RouteChange = z.object({
  id: z.string(),
  routeKey: z.string(),
  actor: z.string(),
  reason: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  evidence: z.unknown(),
  override: z.boolean(),
  requestId: z.string().nullable(),
  createdAt: z.string(),
});
export type RouteChange = z.infer<typeof RouteChange>;

export const RouteChangeQuery = z.object({
  routeKey: z.string().max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const RouteChangeList = z.object({
  data: z.array(RouteChange),
  total: z.number().int(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});

export const ImportBody = z.object({ openapi: z.record(z.string(), z.unknown()).optional() }).strict();
export const ImportResult = z.object({
  added: z.number().int(),
  updated: z.number().int(),
  /** Legacy-mode routes that legacy no longer documents, dropped from the table (audited). */
  removed: z.number().int(),
  /** Routes legacy no longer documents but that are not in legacy mode: kept, for ops to decide. */
  orphaned: z.array(z.string()),
  total: z.number().int(),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ModuleList = z.array(z.object({ name: z.string(), serves: z.array(z.string()) }));

/** One group of routes: every key whose path starts with a prefix, the keys a module serves, or listed keys. */
export const RouteGroupSelector = z
  .object({
    prefix: z.union([z.string().startsWith('/').max(500), z.array(z.string().startsWith('/').max(500)).min(1).max(50)]).optional(),
    module: z.string().min(1).max(100).optional(),
    keys: z.array(z.string().min(3).max(1000)).min(1).max(500).optional(),
  })
  .strict();
export type RouteGroupSelector = z.infer<typeof RouteGroupSelector>;

export const GroupFlipBody = z
  .object({
    prefix: RouteGroupSelector.shape.prefix,
    module: RouteGroupSelector.shape.module,
    keys: RouteGroupSelector.shape.keys,
    mode: RouteMode,
    canaryPercent: z.number().int().min(1).max(100).optional(),
    reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(2000),
    override: z.boolean().optional(),
  })
  .strict()
  .refine((b) => [b.prefix, b.module, b.keys].filter((x) => x !== undefined).length === 1, {
    path: ['prefix'],
    message: 'give exactly one of prefix, module or keys',
  })
  .refine((b) => b.mode !== 'canary' || b.canaryPercent !== undefined, { path: ['canaryPercent'], message: CANARY_PERCENT_MESSAGE });
export type GroupFlipBody = z.infer<typeof GroupFlipBody>;

/** A route of a group whose gate refuses the flip, and the gates that block it. */
export const BlockedRoute = z.object({
  routeKey: z.string(),
  blockedBy: z.array(GateKind),
  checks: z.array(z.object({ name: z.string(), passed: z.boolean(), actual: z.unknown(), required: z.string(), detail: z.string().optional(), gate: GateKind.optional() })),
});
export type BlockedRoute = z.infer<typeof BlockedRoute>;

export const GroupFlipResult = z.object({
  selector: RouteGroupSelector,
  mode: RouteMode,
  changed: z.array(z.string()),
  unchanged: z.array(z.string()),
  routes: z.array(Route),
});
export type GroupFlipResult = z.infer<typeof GroupFlipResult>;
