/** HTTP shadow: capture, queue, diff under per-route rules, stats, corpus, canary buckets, reconciliation. */
export { ShadowService, type ShadowJob, type SkipReason, type SampleEvent } from './service';
export { shadowPlugin, type RouteGates } from './plugin';
export { NormaliseRules, parseRules } from './rules';
export { canaryBucket, onNewSide, canaryIdentity, CANARY_BUCKETS } from './canary';
export { replayToLegacy } from './legacy-replay';
export { reconcileRoute, RECONCILERS } from './reconcile';
export { readTotals, type ShadowTotals } from './repo';
export { redactJson, redactHeaders } from './redact';
