import type { LegacyRouteHandler } from '../../modules/core/module';
import type { CapturedResponse, RequestCopy } from './legacy-replay';
import type { NormaliseRules, WritePolicy } from './rules';

/** Why a sample was not compared. */
export type SkipReason = 'body_over_cap' | 'queue_full' | 'write_policy_skip' | 'response_over_cap' | 'not_sampled' | 'primary_failed' | 'lost_in_crash' | 'ledger_unavailable';

/** Everything a shadow sample needs, captured on the request path (copies only). */
export interface ShadowJob {
  routeKey: string;
  writePolicy: WritePolicy;
  rules: NormaliseRules;
  /** Side that answered the client. */
  primarySide: 'legacy' | 'new';
  request: RequestCopy & {
    params: Record<string, string>;
    query: Record<string, string | string[]>;
    requestId: string;
    tenantId?: string;
  };
  primary: CapturedResponse;
  /** The module handler (needed when legacy answered). */
  handler?: LegacyRouteHandler;
}
