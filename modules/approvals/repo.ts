import { sql, type Updateable } from 'kysely';
import type { Trx } from '../core/db';
import type { DecisionRow, InstanceRow, InstanceTable, NewInstance, PolicyRow, PolicyStepRow } from './tables';

/** The newest version of the tenant's policy `key`, if any. */
export async function findLatestPolicy(trx: Trx, tenantId: string, key: string): Promise<PolicyRow | undefined> {
  return trx
    .selectFrom('approvals.policies')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function getPolicy(trx: Trx, tenantId: string, id: string): Promise<PolicyRow> {
  return trx.selectFrom('approvals.policies').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirstOrThrow();
}

/** The newest version of every policy of the tenant, by key. */
export async function listLatestPolicies(trx: Trx, tenantId: string): Promise<PolicyRow[]> {
  return trx
    .selectFrom('approvals.policies')
    .selectAll()
    .distinctOn('key')
    .where('tenant_id', '=', tenantId)
    .orderBy('key')
    .orderBy('version', 'desc')
    .execute();
}

export async function listPolicySteps(trx: Trx, tenantId: string, policyIds: string[]): Promise<PolicyStepRow[]> {
  if (policyIds.length === 0) return [];
  return trx
    .selectFrom('approvals.policy_steps')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('policy_id', 'in', policyIds)
    .orderBy('policy_id')
    .orderBy('position')
    .execute();
}

/**
 * Insert a policy version with its steps. `on conflict do nothing` on (tenant, key, version):
 * undefined when a concurrent writer took that version first.
 */
export async function insertPolicyVersion(
  trx: Trx,
  policy: { tenant_id: string; key: string; version: number; subject_type: string; name: string; description: string; distinct_approvers: boolean; created_by: string },
  steps: Array<{ role: string; label: string; min_amount: string | null }>,
): Promise<PolicyRow | undefined> {
  const row = await trx
    .insertInto('approvals.policies')
    .values(policy)
    .onConflict((oc) => oc.columns(['tenant_id', 'key', 'version']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  await trx
    .insertInto('approvals.policy_steps')
    .values(steps.map((s, i) => ({ tenant_id: policy.tenant_id, policy_id: row.id, position: i + 1, ...s })))
    .execute();
  return row;
}

export async function insertInstance(trx: Trx, row: NewInstance): Promise<InstanceRow> {
  return trx.insertInto('approvals.instances').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findInstance(trx: Trx, tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<InstanceRow | undefined> {
  let q = trx.selectFrom('approvals.instances').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findPendingForSubject(trx: Trx, tenantId: string, subjectType: string, subjectId: string): Promise<InstanceRow | undefined> {
  return trx
    .selectFrom('approvals.instances')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

export async function updateInstance(trx: Trx, tenantId: string, id: string, patch: Updateable<InstanceTable>): Promise<InstanceRow> {
  return trx
    .updateTable('approvals.instances')
    .set(patch)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertDecision(
  trx: Trx,
  row: { tenant_id: string; instance_id: string; position: number; role: string; decision: 'approve' | 'reject'; comment: string; actor: string; actor_id: string | null; decided_at: Date },
): Promise<DecisionRow> {
  return trx.insertInto('approvals.decisions').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function listDecisions(trx: Trx, tenantId: string, instanceIds: string[]): Promise<DecisionRow[]> {
  if (instanceIds.length === 0) return [];
  return trx
    .selectFrom('approvals.decisions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('instance_id', 'in', instanceIds)
    .orderBy('id')
    .execute();
}

export interface InstanceFilter {
  status?: string;
  subjectType?: string;
  subjectId?: string;
  /** Only pending instances whose current step is held by one of these roles. */
  waitingForRoles?: string[];
  /** Leave out instances this user already decided (distinct-approver policies only). */
  notDecidedBy?: string;
}

/** One page of instances, newest first, with the total. */
export async function listInstances(
  trx: Trx,
  tenantId: string,
  f: InstanceFilter,
  offset: number,
  limit: number,
): Promise<{ rows: InstanceRow[]; total: number }> {
  let q = trx.selectFrom('approvals.instances as i').where('i.tenant_id', '=', tenantId);
  if (f.status) q = q.where('i.status', '=', f.status as InstanceRow['status']);
  if (f.subjectType) q = q.where('i.subject_type', '=', f.subjectType);
  if (f.subjectId) q = q.where('i.subject_id', '=', f.subjectId);
  if (f.waitingForRoles) {
    const roles = f.waitingForRoles;
    if (roles.length === 0) return { rows: [], total: 0 };
    q = q.where('i.status', '=', 'pending').where('i.waiting_role', 'in', roles);
  }
  if (f.notDecidedBy) {
    const actorId = f.notDecidedBy;
    q = q.where((eb) =>
      eb.or([
        eb.not(
          eb.exists(
            eb
              .selectFrom('approvals.decisions as d')
              .select(sql`1`.as('one'))
              .whereRef('d.instance_id', '=', 'i.id')
              .where('d.actor_id', '=', actorId),
          ),
        ),
        eb.exists(
          eb
            .selectFrom('approvals.policies as p')
            .select(sql`1`.as('one'))
            .whereRef('p.id', '=', 'i.policy_id')
            .where('p.distinct_approvers', '=', false),
        ),
      ]),
    );
  }
  // One connection (the transaction's): the two queries run one after the other anyway.
  const rows = await q.selectAll('i').orderBy('i.created_at', 'desc').orderBy('i.id').offset(offset).limit(limit).execute();
  const count = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(count.n) };
}
