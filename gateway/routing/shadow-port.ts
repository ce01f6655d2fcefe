import type { FastifyInstance } from 'fastify';
import type { ZodType } from 'zod';
import type { CapturedResponse, LegacyRouteHandler } from '../../modules/core/module';
import type { FlipInput, LiveRoute } from './route-table';
import type { RouteGate } from './schema';
import type { WritePolicy } from './tables';

/** Why a request was not shadowed (counted, never silently dropped). */
export type ShadowSkipReason = 'body_over_cap' | 'write_policy_skip' | 'primary_failed' | 'ledger_unavailable';

/** The part of a route's normalisation rules dispatch reads; the shadow owns the rest. */
export interface ShadowRules {
  /** Fraction of requests shadowed at all. */
  sampleRate: number;
  /** Shadow module answers back to legacy (default: GETs only). */
  reverseShadow?: boolean;
  /** In mode `new`, fraction of those replayed to legacy (default: see reverseSampleRate in dispatch). */
  reverseSampleRate?: number;
}

/** A copy of one answered request and its primary answer, handed over after the response finished. */
export interface ShadowSample {
  routeKey: string;
  writePolicy: WritePolicy;
  /** What `rulesFor` returned for this route on the request path. */
  rules: ShadowRules;
  primarySide: 'legacy' | 'new';
  request: {
    method: string;
    url: string;
    headers: Record<string, string | string[]>;
    body: Buffer | undefined;
    params: Record<string, string>;
    query: Record<string, string | string[]>;
    requestId: string;
    tenantId?: string;
  };
  primary: CapturedResponse;
  /** The module handler (when legacy answered, the shadow runs it). */
  handler?: LegacyRouteHandler;
}

/**
 * What gateway/routing needs from the HTTP shadow (implemented in legacy-shadow, wired in
 * gateway/app.ts). Every method the request path calls (`submit`, `skip`, `rulesFor`,
 * `recordServed`) must never throw or wait.
 */
export interface ShadowPort {
  /**
   * Record in the durable in-flight ledger that this request will be sampled. The caller awaits it
   * before sending the primary answer (bounded; normally already settled) and, on false, skips
   * the sample as `ledger_unavailable`. Never throws.
   */
  reserve(routeKey: string, requestId: string, primarySide: 'legacy' | 'new'): Promise<boolean>;
  /** Queue a sample (reserved first) to run the other side and diff, off the request path. */
  submit(sample: ShadowSample): void;
  /** Count a request as not shadowed, with the reason. */
  skip(routeKey: string, reason: ShadowSkipReason, primarySide: 'legacy' | 'new', requestId: string): void;
  /** A route's rules (cached per route version). */
  rulesFor(route: { key: string; version: number; normalise: unknown }): ShadowRules;
  /** Count a module-side answer towards the route's error budget. */
  recordServed(routeKey: string, version: number, status: number): void;
  /** The parity gate checked before a flip that adds traffic to the new side (see GateKeeper). */
  checkGate(route: LiveRoute, input: FlipInput): Promise<unknown>;
  /** A route's gate in short, for route lists. */
  gateSummary(route: LiveRoute, tenantId?: string): Promise<RouteGate>;
  /** Default write policy and normalisation rules of a route family's key (applied on import to untouched routes). */
  defaultSettings?(key: string): { writePolicy?: WritePolicy; normalise?: unknown } | undefined;
  /** Schemas of the shadow settings a route stores (`PUT /_fig/routes/:key/settings`). */
  settingsSchemas: { normalise: ZodType; gate: ZodType };
}

/**
 * How the composition root plugs a shadow in: a plugin registered before the dispatch routes
 * (its own ops routes, workers, decorations) and the port read from the app after it loaded.
 */
export interface ShadowWiring {
  plugin: (app: FastifyInstance) => Promise<void>;
  port: (app: FastifyInstance) => ShadowPort;
}
