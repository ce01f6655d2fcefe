import type { RowMapping } from '../../core/cell-number';
import type { JobContext } from '../../core/jobs';
import type { WorkerPool } from '../../core/worker-pool';
import type { PlanVersionForRun } from '../../plans/index';
import type { RunRecord } from '../tables';
import type { PipelineOutcome, PipelineTask } from './compute-chunk';

/** Everything one pipeline job works with. */
export interface RunJobScope {
  ctx: JobContext;
  run: RunRecord;
  plan: PlanVersionForRun;
  /** The upload's saved mapping, applied by the threads to each row's cells (null: a legacy upload). */
  mapping: RowMapping | null;
  pool: WorkerPool<PipelineTask, PipelineOutcome>;
  threads: number;
}
