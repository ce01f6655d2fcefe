// The route gate's wire shape comes from legacy-shadow/gates (type-only: nothing server-side is bundled).
import type { GateEvaluation } from '../../../../legacy-shadow/gates/index';

/** GET /_fig/routes/{key}/gate answers the evaluation without the route key. */
export type RouteGateEvaluation = Omit<GateEvaluation, 'routeKey'>;
export type RouteGateCheck = GateEvaluation['checks'][number];
