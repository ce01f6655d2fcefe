import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../gateway/config';
import type { FigModule } from '../../modules/core/module';
import { parityRunJob } from './jobs';
import { parityRoutes } from './routes';
import './tables';

export {
  runParity,
  evaluateGateA,
  GATE_A,
  type ParitySource,
  type ParityOutcome,
  type GateResult,
  type GateCheck,
} from './runner';
export { engineGate, createReport, executeReport, signOff, getReport, INLINE_MAX_EMPLOYEES } from './service';
export { CANONICAL_CASES, legacyEquivalentPlan, planForBands } from './plan';
export { LegacyClient, generateRows } from './legacy-client';
export { parityRunJob } from './jobs';
export type { EngineGate, ParityReport } from './schema';

const plugin: FastifyPluginAsync<{ config: Config }> = async (app) => {
  await app.register(parityRoutes);
};

/** Engine parity: reports (legacy engine vs new engine), Gate A, finance sign-off, the engine gate. */
export const parityModule: FigModule = { name: 'parity', plugin, jobs: [parityRunJob] };
