import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../core/config';
import type { FigModule } from '../core/module';
import { parityRunJob } from './jobs';
import type { ParityRunner } from './outcome';
import { parityRoutes } from './routes';
import './tables';

export { engineGate, createReport, executeReport, signOff, getReport, INLINE_MAX_EMPLOYEES, type ParityDeps } from './service';
export { insertReport } from './repo';
export { parityRunJob } from './jobs';
export type { EngineGate, ParityReport, ReportSource } from './schema';
export type { BatchSummary, GateCheck, GateResult, MismatchRecord, OutputStats, ParityChunkSpec, ParityOutcome, ParityRunner, ParityTape, RunnerOptions } from './outcome';

/**
 * Engine parity reports (legacy engine vs new engine), Gate A, finance sign-off and the engine
 * gate. The comparing machinery comes in as `runner` (legacy-shadow/parity, wired by gateway/modules.ts).
 */
export function parityModule(runner: ParityRunner): FigModule {
  const plugin: FastifyPluginAsync<{ config: Config }> = async (app) => {
    await app.register(parityRoutes, { runner });
  };
  return { name: 'parity', plugin, jobs: [parityRunJob(runner)] };
}
