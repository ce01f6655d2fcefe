/**
 * legacy-shadow: the machinery that compares the two sides — HTTP shadow (queue, diff, corpus,
 * dual-write), route gates and auto-rollback, engine parity runs. The composition root (gateway/
 * app.ts, gateway/modules.ts, CLIs) takes it from here; nothing else reaches inside.
 */
export { httpShadow, shadowPlugin, type RouteGates } from './plugin';
export { ShadowService, type ShadowJob, type SkipReason, type SampleEvent } from './http/index';
export { parityRunner } from './parity/index';
