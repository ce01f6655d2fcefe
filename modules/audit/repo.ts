import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../core/database';
import type { Trx } from '../core/db';
import type { AuditEventRow } from './tables';

export interface AuditFilter {
  from?: string;
  to?: string;
  actor?: string;
  entity?: string;
  entityId?: string;
  action?: string;
}

type EventsQuery = SelectQueryBuilder<Database, 'audit.events', object>;

function applyFilter<Q extends EventsQuery>(q: Q, f: AuditFilter): Q {
  let out = q as EventsQuery;
  if (f.from) out = out.where('created_at', '>=', new Date(f.from) as never);
  if (f.to) out = out.where('created_at', '<', new Date(f.to) as never);
  if (f.actor) out = out.where('actor', '=', f.actor);
  if (f.entity) out = out.where('entity', '=', f.entity);
  if (f.entityId) out = out.where('entity_id', '=', f.entityId);
  if (f.action) out = out.where('action', '=', f.action);
  return out as Q;
}

/** One page of a tenant's events, newest first. The transaction must be tenant-scoped (RLS). */
export async function listEvents(
  trx: Trx,
  filter: AuditFilter,
  offset: number,
  limit: number,
): Promise<{ rows: AuditEventRow[]; total: number }> {
  const base = applyFilter(trx.selectFrom('audit.events') as EventsQuery, filter);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('seq', 'desc').offset(offset).limit(limit).execute() as Promise<AuditEventRow[]>,
    base.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow() as Promise<{ n: string }>,
  ]);
  return { rows, total: Number(count.n) };
}

/** Events in chain order after `afterSeq` (keyset), for the verifier and the CSV export. */
export async function eventsAfter(
  trx: Trx,
  afterSeq: number,
  limit: number,
  filter: AuditFilter = {},
): Promise<AuditEventRow[]> {
  const base = applyFilter(trx.selectFrom('audit.events') as EventsQuery, filter);
  return (await base
    .selectAll()
    .where('seq', '>', String(afterSeq))
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute()) as AuditEventRow[];
}
