/** Route parity gates and auto-rollback. */
export { evaluateGate, GateConfig, ENGINE_ROUTE_KEYS, summarise, blockingGates, type GateKind, type GateCheck as RouteGateCheck, type GateEvaluation, type GateSummary } from './gate';
export { AutoRollbackWatcher, AUTO_ROLLBACK_ACTOR, type RollbackAction } from './rollback';
