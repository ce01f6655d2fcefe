import { AppError, conflict, notFound } from '../../core/errors';
import type { RunStatus } from '../tables';

/** Stable codes of the runs pipeline's expected failures (problem+json with field paths). */
export const RunErrors = {
  runNotFound: (id: number | string) => notFound('Run', String(id)),
  tenantNotFound: (id: string) => notFound('Tenant', id),
  uploadNotFound: (id: number) =>
    new AppError('RUN_UPLOAD_NOT_FOUND', 404, `upload ${id} was not found`, [
      { path: 'body.upload_id', message: 'no such upload in this tenant' },
    ]),
  uploadNotReady: (id: number, why: string) =>
    new AppError('RUN_UPLOAD_NOT_READY', 409, `upload ${id} is not ready for a run: ${why}`, [
      { path: 'body.upload_id', message: why },
    ]),
  uploadPlanMismatch: (id: number, missing: readonly string[]) =>
    new AppError(
      'RUN_UPLOAD_PLAN_MISMATCH',
      422,
      `upload ${id} does not feed every input the plan needs: ${missing.join(', ')}`,
      missing.map((input) => ({
        path: `body.upload_id.mapping.${input}`,
        message: `no column of the upload is mapped to the plan input '${input}'`,
      })),
    ),
  planNotFound: (id: string) =>
    new AppError('RUN_PLAN_NOT_FOUND', 404, `plan ${id} was not found`, [
      { path: 'body.plan_id', message: 'no such plan version in this tenant' },
    ]),
  planNotLocked: (id: string) =>
    new AppError('RUN_PLAN_NOT_LOCKED', 409, `plan ${id} is a draft; lock it before running it`, [
      { path: 'body.plan_id', message: 'must be a locked plan version' },
    ]),
  noPayout: (id: string, output: string) =>
    new AppError('RUN_PLAN_NO_PAYOUT', 422, `plan ${id} has no output '${output}' to pay out`, [
      { path: 'body.plan_id', message: `has no step with output '${output}'` },
    ]),
  finalized: (id: number) =>
    conflict('RUN_FINALIZED', `run ${id} is finalized and cannot be changed`, { runId: id }),
  badTransition: (id: number, from: RunStatus, to: string) =>
    conflict('RUN_STATE_CONFLICT', `run ${id} cannot go from ${from} to ${to}`, { runId: id, from, to }),
  nothingToRetry: (id: number) =>
    conflict('RUN_NOTHING_TO_RETRY', `run ${id} has no failed rows to re-run`, { runId: id }),
  notCalculated: (id: number, status: RunStatus) =>
    conflict('RUN_NOT_CALCULATED', `run ${id} is ${status}; results exist once it is calculated`, {
      runId: id,
      status,
    }),
  employeeNotFound: (runId: number, employeeId: string) =>
    notFound(`Employee ${employeeId} in run`, String(runId)),
};

/** SQLSTATE raised by the runs immutability triggers (migration 0085). */
export const PG_RUN_FINALIZED = 'FIG03';

export function isFinalizedError(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    (err as { code: unknown }).code === PG_RUN_FINALIZED
  );
}
