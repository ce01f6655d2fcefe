// The ops API's types come from the gateway's own zod schemas (type-only: nothing server-side is bundled).
import type { RouteChange, RouteSnapshot } from '../../../../gateway/routing/schema';

export type { Route, RouteChange, RouteMode, RouteSnapshot, RouteStats } from '../../../../gateway/routing/schema';
import type { RouteMode } from '../../../../gateway/routing/schema';

export const MODES: RouteMode[] = ['legacy', 'shadow', 'canary', 'new'];

/** A route_changes row's before/after, when it is a snapshot. */
export function snapshot(v: RouteChange['before']): Partial<RouteSnapshot> | null {
  return v && typeof v === 'object' ? (v as Partial<RouteSnapshot>) : null;
}

export type { ListPage } from '../../lib/api-client';
