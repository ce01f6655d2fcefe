import { recordAudit } from '../../audit/index';
import { withTenant, type Db, type Trx } from '../../core/db';
import type { Updateable } from 'kysely';
import type { RunRecord, RunStatus, RunTable } from '../tables';
import { RunErrors, isFinalizedError } from './errors';

/**
 * The run state machine (docs/runs.md):
 *
 *   queued ─► running ─► completed ─► in_review ─► finalized
 *      ▲         │  ▲        ▲            │
 *      │         ▼  │        └────────────┘ (rejected: back to draft)
 *      └────── failed (failed rows: re-run them; a job that gave up)
 *
 * `running → queued` is a worker giving a job back. Every transition is audited in the same
 * transaction. `finalized` is final: the database refuses any change to the run (migration 0085).
 */
const TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['running', 'failed'],
  running: ['completed', 'failed', 'queued'],
  completed: ['in_review'],
  failed: ['queued'],
  in_review: ['completed', 'finalized'],
  finalized: [],
};

/** The transitions the approval workflow (modules/approvals) may ask for through setRunState. */
export const REVIEW_TRANSITIONS: readonly (readonly [RunStatus, RunStatus])[] = [
  ['completed', 'in_review'],
  ['in_review', 'completed'],
  ['in_review', 'finalized'],
];

export interface TransitionActor {
  actor: string;
  actorId?: string | null;
  requestId?: string | null;
  ip?: string | null;
}

/** Lock a run's row for a state change; undefined when not in this tenant. */
export function lockRun(trx: Trx, runId: number): Promise<RunRecord | undefined> {
  return trx.selectFrom('runs.runs').selectAll().where('id', '=', runId).forUpdate().executeTakeFirst();
}

/**
 * Move a locked run to `to` (refused when the machine does not allow it), with `patch` applied
 * in the same update, and audit it (`run.<to>`) in the caller's transaction.
 */
export async function transitionRun(
  trx: Trx,
  run: RunRecord,
  to: RunStatus,
  who: TransitionActor & { comment?: string | null },
  patch: Omit<Updateable<RunTable>, 'status' | 'id' | 'tenant_id'> = {},
): Promise<RunRecord> {
  if (!TRANSITIONS[run.status].includes(to)) throw run.status === 'finalized' ? RunErrors.finalized(run.id) : RunErrors.badTransition(run.id, run.status, to);
  const now = new Date();
  try {
    const updated = await trx
      .updateTable('runs.runs')
      .set({ ...patch, status: to, state_changed_at: now })
      .where('id', '=', run.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId: run.tenant_id,
      actor: who.actor,
      actorId: who.actorId ?? null,
      action: `run.${to}`,
      entity: 'run',
      entityId: String(run.id),
      before: { status: run.status },
      after: { status: to, ...(who.comment ? { comment: who.comment } : {}), ...(typeof patch.error === 'string' ? { error: patch.error } : {}) },
      requestId: who.requestId ?? null,
      ip: who.ip ?? null,
    });
    return updated;
  } catch (err) {
    if (isFinalizedError(err)) throw RunErrors.finalized(run.id);
    throw err;
  }
}

/**
 * Change a run's review state inside the caller's tenant transaction (modules/approvals keeps its
 * approval instance and this change in one commit). Only REVIEW_TRANSITIONS; `finalized` freezes the run.
 */
export async function setRunStateIn(trx: Trx, runId: number, to: RunStatus, who: TransitionActor, comment: string | null = null): Promise<RunRecord> {
  const run = await lockRun(trx, runId);
  if (!run) throw RunErrors.runNotFound(runId);
  if (!REVIEW_TRANSITIONS.some(([from, t]) => from === run.status && t === to)) {
    throw run.status === 'finalized' ? RunErrors.finalized(runId) : RunErrors.badTransition(runId, run.status, to);
  }
  const patch = to === 'finalized' ? { finalized_at: new Date(), finalized_by: who.actor } : {};
  return transitionRun(trx, run, to, { ...who, comment }, patch);
}

/** setRunStateIn in its own tenant transaction: the service function the approval workflow calls. */
export function setRunState(
  ctx: { db: Db; tenantId: string; requestId?: string | null; ip?: string | null },
  runId: number,
  to: RunStatus,
  actor: string | TransitionActor,
  comment: string | null = null,
): Promise<RunRecord> {
  const who = typeof actor === 'string' ? { actor } : actor;
  return withTenant(ctx.db, ctx.tenantId, (trx) => setRunStateIn(trx, runId, to, { requestId: ctx.requestId ?? null, ip: ctx.ip ?? null, ...who }, comment));
}
