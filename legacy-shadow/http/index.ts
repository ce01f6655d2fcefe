/** HTTP shadow: capture, queue, diff under per-route rules, stats, corpus, reconciliation. */
export { ShadowService, type ShadowJob, type SkipReason, type SampleEvent } from './service';
export { NormaliseRules, parseRules } from './rules';
export { replayToLegacy } from './legacy-replay';
export { reconcileRoute, RECONCILERS } from './reconcile';
export { readTotals, readMinutes, readTopPaths, listNoisePaths, listMismatches, listIssues, type ShadowTotals } from './repo';
export { redactJson, redactHeaders } from './redact';
