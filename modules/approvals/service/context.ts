import type { FastifyBaseLogger } from 'fastify';
import { withTenant, type Db, type Trx } from '../../core/db';
import { AppError } from '../../core/errors';
import { recordAudit } from '../../audit/index';
import { ApprovalErrors, PG_UNIQUE_VIOLATION } from '../errors';
import type { ApprovalInstance } from '../schema';

/**
 * Who acts, for tenancy, the role check and the audit trail. A subject module that starts or
 * decides an approval inside its own tenant transaction passes it as `trx`, so its own change and
 * the approval commit (or roll back) together.
 */
export interface ApprovalContext {
  tenantId: string;
  /** Display name ("hr@acme.test", "system"). */
  actor: string;
  actorId?: string | null;
  /** The caller's tenant roles (decisions are checked against the step's role). */
  roles?: readonly string[];
  requestId?: string | null;
  ip?: string | null;
  trx?: Trx;
}

/** What happened, as a subject module's hook receives it (inside the decision's transaction). */
export interface ApprovalEvent {
  tenantId: string;
  instance: ApprovalInstance;
  /** The decision that caused it (absent for a cancel). */
  decision?: { position: number; role: string; decision: 'approve' | 'reject'; comment: string; actor: string };
  actor: string;
}

/**
 * Hooks a subject module registers for its subject type. They run in the same tenant transaction
 * as the decision: throwing (an AppError for an expected refusal) undoes the decision too.
 */
export interface ApprovalSubjectHooks {
  /**
   * Someone asked for the subject to be approved through the generic route (POST .../approvals):
   * check the subject may be submitted (throw an AppError if not), move it to its "in review"
   * state, and say which amount the policy's thresholds compare (null: unknown, every step applies).
   */
  onSubmit?: (trx: Trx, event: { tenantId: string; subjectId: string; actor: string; actorId: string | null }) => Promise<{ amount: string | null }>;
  /** A step was approved and another one follows. */
  onStepApproved?: (trx: Trx, event: ApprovalEvent) => Promise<void>;
  /** The last step was approved: the subject is approved (a run is finalized, a bill can be paid). */
  onApproved?: (trx: Trx, event: ApprovalEvent) => Promise<void>;
  /** A step was rejected: the subject goes back to draft; `reason` is the rejecting comment. */
  onRejected?: (trx: Trx, event: ApprovalEvent & { reason: string }) => Promise<void>;
}

export interface ApprovalsDeps {
  db: Db;
  log: FastifyBaseLogger;
  clock?: () => Date;
  /** subject type → the hooks its module registered. */
  subjects: Map<string, ApprovalSubjectHooks>;
  /**
   * An approval now waits on a step (it started, or the previous step was approved): the app
   * wires the "approval requested" mail here. Runs in the same transaction as the change.
   */
  onStepReached?: (trx: Trx, event: StepReachedEvent) => Promise<void>;
}

/** An approval instance waiting on its current step, and who moved it there. */
export interface StepReachedEvent {
  tenantId: string;
  instance: ApprovalInstance;
  role: string;
  actor: string;
  /** The comment of the approval that moved it on (absent when it just started). */
  comment?: string | null;
}

/**
 * Run a use case in the caller's transaction when it brought one, else in a new tenant
 * transaction; a race on the one-pending-approval-per-subject index becomes a 409.
 */
export async function inTenant<T>(deps: ApprovalsDeps, ctx: ApprovalContext, fn: (trx: Trx) => Promise<T>): Promise<T> {
  try {
    return ctx.trx ? await fn(ctx.trx) : await withTenant(deps.db, ctx.tenantId, fn);
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === PG_UNIQUE_VIOLATION)
      throw ApprovalErrors.alreadyPending();
    throw err;
  }
}

/** The approvals module's one seam to the audit log (same transaction as the change). */
export async function auditApproval(
  trx: Trx,
  ctx: ApprovalContext,
  event: { action: string; entity: string; entityId: string; before?: unknown; after?: unknown },
): Promise<void> {
  await recordAudit(trx, {
    tenantId: ctx.tenantId,
    actor: ctx.actor,
    actorId: ctx.actorId ?? null,
    action: event.action,
    entity: event.entity,
    entityId: event.entityId,
    before: event.before,
    after: event.after,
    requestId: ctx.requestId ?? null,
    ip: ctx.ip ?? null,
  });
}
