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

/** Parity gate of a route in short: failing check names; details at GET /_fig/routes/{key}/gate. */
export const RouteGate = z.object({ passed: z.boolean(), failing: z.array(z.string()) });
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
