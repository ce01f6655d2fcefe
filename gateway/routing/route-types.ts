import type { LegacyRouteHandler } from '../../modules/core/module';
import type { RouteMode, RouteRecord } from './tables';

// The route table's value types, apart from the class so route-group.ts and others can name them
// without importing the table itself (no import cycle).

export interface FlipInput {
  mode: RouteMode;
  canaryPercent?: number;
  reason: string;
  actor: string;
  override?: boolean;
  requestId?: string;
  /** Parity evidence at the time of the flip (the gate keeper fills it). */
  evidence?: unknown;
  /** Tenant of the flipping user, if any (engine parity gate, audit of overrides). */
  tenantId?: string;
  /** A flip by fig itself (auto-rollback): never gated. */
  system?: boolean;
}

/**
 * The parity gate, checked before a flip that sends more traffic to the new side (installed by
 * the shadow, see ShadowPort). Throws a 409 problem when the gate fails and the flip is no override;
 * returns the evidence to record with the flip.
 */
export type GateKeeper = (route: LiveRoute, input: FlipInput) => Promise<unknown>;

/** A live route entry as every request sees it (in-memory copy of gateway.routes). */
export interface LiveRoute extends RouteRecord {
  /** Name of the hosted module that serves this key, if any. */
  servedBy: string | null;
}

/** The handler of a hosted module for a legacy route key. */
export interface ServingModule {
  module: string;
  handler: LegacyRouteHandler;
  /** Largest request body this route buffers, when the module needs another than the app's. */
  bodyLimit?: number;
}

