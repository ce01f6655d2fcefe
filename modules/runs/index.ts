import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../core/config';
import type { FigModule } from '../core/module';
import type { JobDefinition } from '../core/jobs';
import { startComputePool } from './compute-pool';
import { getBatch, getBatchExport, getBatches, getBatchResults, postBatch } from './legacy/handlers-batches';
import { postCalculate, putRevenueBands } from './legacy/handlers-calculate';
import { getScenario, getScenarioCompare, getScenarios, postScenario } from './legacy/handlers-scenarios';
import { getUpload, getUploadRows, getUploads, MAX_UPLOAD_BYTES, postUpload } from './legacy/handlers-uploads';
import { pipelinePlugin, runPipelineJob } from './pipeline/index';
import './tables';

export { setRunState, setRunStateIn, REVIEW_TRANSITIONS, RunErrors, RunPipelineSchemas, type TransitionActor } from './pipeline/index';
export { bumpIdSequences, ID_TABLES, type IdTable } from './sequences';
export { backfillBonus, reconcileBonusRecord, type BonusBackfillReport, type BonusEntity } from './backfill';
export { reverseSyncBonus, type ReverseSyncReport } from './reverse-sync';
export { planForBands, computeRun, LEGACY_OUTPUTS, POOL_OUTPUT, type ComputeTask, type ComputeOutcome } from './compute';
export { computerFor } from './compute-pool';
export { createUpload, type CreateUploadInput, type UploadRowInput } from './service/create-upload';
export { createRun, UploadNotFound, type CreateRunInput } from './service/create-run';
export { createScenario, type CreateScenarioInput } from './service/create-scenario';
export { calculate } from './service/calculate';
export * as RunsQueries from './service/queries';
export type { RunsDeps } from './service/context';
export { parseEmployeeCsv, EMPLOYEE_COLUMNS, NUMERIC_COLUMNS, type EmployeeRow, type CsvError } from './legacy/employee-csv';
export { batchWire, batchResultWire, scenarioWire, uploadWire, uploadRowWire } from './legacy/wire';
export type {
  UploadRecord,
  NewUpload,
  UploadRowRecord,
  NewUploadRow,
  RunRecord,
  NewRun,
  RunResultRecord,
  NewRunResult,
  ScenarioRecord,
  NewScenario,
  BandRow,
  RecordSource,
  UploadMapping,
  UploadStatus,
} from './tables';

/** The legacy bonus route family fig serves (route keys as in legacy's OpenAPI). */
export const LEGACY_BONUS_ROUTES = {
  'POST /api/v1/calculate': postCalculate,
  'GET /api/v1/uploads': getUploads,
  'POST /api/v1/uploads': postUpload,
  'GET /api/v1/uploads/{id}': getUpload,
  'GET /api/v1/uploads/{id}/rows': getUploadRows,
  'GET /api/v1/batches': getBatches,
  'POST /api/v1/batches': postBatch,
  'GET /api/v1/batches/{id}': getBatch,
  'GET /api/v1/batches/{id}/results': getBatchResults,
  'GET /api/v1/batches/{id}/export.csv': getBatchExport,
  'GET /api/v1/scenarios': getScenarios,
  'POST /api/v1/scenarios': postScenario,
  'GET /api/v1/scenarios/{id}': getScenario,
  'GET /api/v1/scenarios/{id}/compare/{other}': getScenarioCompare,
  'PUT /api/v1/admin/revenue-bands': putRevenueBands,
} as const;

// Large runs are computed in worker threads with a deadline, never on the gateway's event loop.
const plugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const stop = startComputePool(app.db, {
    size: config.PLAN_EVAL_WORKERS,
    timeoutMs: config.RUNS_COMPUTE_TIMEOUT_MS,
    maxQueue: config.PLAN_EVAL_QUEUE_MAX,
    log: app.log,
  });
  app.addHook('onClose', stop);
  await app.register(pipelinePlugin, { config });
};

/**
 * Runs: employee uploads, runs of a plan version over an upload (one result per employee) and
 * scenarios. Serves the legacy bonus route family (calculate, uploads, batches, scenarios and
 * band writes) as thin adapters over this domain, in the LEGACY_TENANT tenant.
 */
export const runsModule: FigModule = {
  name: 'runs',
  plugin,
  serves: { ...LEGACY_BONUS_ROUTES },
  jobs: [runPipelineJob as JobDefinition],
  // legacy answers 413 {"detail"} for a file over 50 MiB: the multipart body around it must get through to say so.
  bodyLimits: { 'POST /api/v1/uploads': MAX_UPLOAD_BYTES + 1024 * 1024 },
};
