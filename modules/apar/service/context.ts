import type { FastifyBaseLogger } from 'fastify';
import { withTenant, type Db, type Trx } from '../../core/db';
import { AppError } from '../../core/errors';
import { recordAudit } from '../../audit/index';
import { AparErrors, PG_APPEND_ONLY } from '../errors';
import type { ApprovalsService } from '../../approvals/index';

/** Who is acting, for tenancy and the audit trail. */
export interface Caller {
  tenantId: string;
  actor: string;
  actorId?: string;
  requestId?: string;
  ip?: string;
  /** The caller's tenant roles (bill approval decisions are checked against the step's role). */
  roles?: readonly string[];
}

export interface AparDeps {
  db: Db;
  log: FastifyBaseLogger;
  clock?: () => Date;
  /** modules/approvals (bill approval); absent where nothing approves (legacy adapters, scripts). */
  approvals?: ApprovalsService;
}

/**
 * Values a legacy dual-write or backfill imposes on a new entity (legacy's id, number and
 * timestamp), so both sides hold the same row. Absent for fig's own API.
 */
export interface Imposed {
  id?: number;
  number?: string;
  createdAt?: string;
  /** Created through legacy's API or its backfill: a bill needs no approval (legacy has none). */
  legacyApi?: boolean;
}

const pgCode = (err: unknown) =>
  typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;

/** Run a use case in one tenant transaction: everything it writes (and its audit) commits or nothing does. */
export async function inTenant<T>(deps: AparDeps, caller: Caller, fn: (trx: Trx) => Promise<T>): Promise<T> {
  try {
    return await withTenant(deps.db, caller.tenantId, fn);
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (pgCode(err) === PG_APPEND_ONLY) throw AparErrors.postedImmutable();
    throw err;
  }
}

/** The module's one seam to the audit log, inside the same tenant transaction as the change. */
export async function audit(
  trx: Trx,
  caller: Caller,
  event: { action: string; entity: string; entityId: string; before?: unknown; after?: unknown },
) {
  await recordAudit(trx, {
    tenantId: caller.tenantId,
    actor: caller.actor,
    actorId: caller.actorId ?? null,
    action: event.action,
    entity: event.entity,
    entityId: event.entityId,
    before: event.before,
    after: event.after,
    requestId: caller.requestId ?? null,
    ip: caller.ip ?? null,
  });
}

/** Today (UTC) as YYYY-MM-DD. */
export const today = (deps: AparDeps) => (deps.clock?.() ?? new Date()).toISOString().slice(0, 10);

/** One slice of a list and the total (the fig API wraps it in a cursor page, legacy in limit/offset). */
export interface Listed<T> {
  rows: T[];
  total: number;
}
