import type { PlanBundle } from '../mappers';
import type { EvaluateBody, EvaluateResponse, PlanProblem } from '../schema';

/** What an evaluation worker is asked to do: pure data, cloned across threads. */
export interface EvaluationTask {
  bundle: PlanBundle;
  rows: EvaluateBody['rows'];
  /** Cost budget of the whole evaluation, in digit-operations. */
  budget: number;
}

/** Every way an evaluation can end; errors are values so they cross the thread boundary intact. */
export type EvaluationOutcome =
  | { kind: 'done'; response: EvaluateResponse }
  | { kind: 'invalid'; problems: PlanProblem[] }
  | { kind: 'over-budget'; rowCost: number; budget: number }
  | { kind: 'stopped'; message: string; row: number; step: string; budget: number };

/** Runs plan evaluations off the caller's event loop (the gateway: evaluation-pool.ts). */
export interface PlanEvaluator {
  evaluate(task: EvaluationTask): Promise<EvaluationOutcome>;
  close(): Promise<void>;
}
