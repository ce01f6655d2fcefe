import type { FigModule } from '../core/module';
import './tables';

export { bumpIdSequences, ID_TABLES, type IdTable } from './sequences';
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
} from './tables';

/**
 * Runs: employee uploads, runs of a plan version over an upload (one result per employee) and
 * scenarios. Serves the legacy bonus route family (calculate, uploads, batches, scenarios and
 * band writes) as thin adapters over this domain, in the LEGACY_TENANT tenant.
 */
export const runsModule: FigModule = {
  name: 'runs',
  serves: {},
};
