import { sql } from 'kysely';
import type { Trx } from '../core/db';
import { canonicalJson, eventHash, GENESIS_HASH } from './canonical';

export interface AuditInput {
  tenantId: string;
  /** Who did it, for humans ("ops@acme.test", "admin-token", "system"). */
  actor: string;
  actorId?: string | null;
  /** Verb, dotted ("plan.create", "member.roles.update"). */
  action: string;
  /** Kind of thing acted on ("plan", "membership"). */
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
  ip?: string | null;
}

export interface RecordedAudit {
  id: string;
  seq: number;
  hash: string;
}

/** jsonb text for a before/after value; undefined and null both store SQL null. */
function jsonbText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  // Round-trip through canonical JSON so what is stored is exactly what was hashed.
  return canonicalJson(v);
}

/**
 * Append one audit event to the tenant's hash chain, inside the caller's transaction (normally
 * `withTenant(db, tenantId, trx => ...)`), so the action and its event commit or roll back together.
 *
 * Writers of one tenant are serialised by a transaction-scoped advisory lock on the tenant id:
 * the lock is taken before reading the chain head and held until the caller's transaction ends,
 * so two concurrent transactions can never both append after the same head (no fork).
 */
export async function recordAudit(trx: Trx, input: AuditInput): Promise<RecordedAudit> {
  await sql`select pg_advisory_xact_lock(hashtext(${input.tenantId}))`.execute(trx);
  const head = await trx
    .selectFrom('audit.events')
    .select(['seq', 'hash'])
    .where('tenant_id', '=', input.tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const seq = head ? Number(head.seq) + 1 : 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  const createdAt = new Date();
  const before = jsonbText(input.before);
  const after = jsonbText(input.after);
  const fields = {
    tenantId: input.tenantId,
    seq,
    actor: input.actor,
    actorId: input.actorId ?? null,
    action: input.action,
    entity: input.entity,
    entityId: input.entityId ?? null,
    before: before === null ? null : (JSON.parse(before) as unknown),
    after: after === null ? null : (JSON.parse(after) as unknown),
    requestId: input.requestId ?? null,
    ip: input.ip ?? null,
    createdAt: createdAt.toISOString(),
    prevHash,
  };
  const hash = eventHash(fields);
  const row = await trx
    .insertInto('audit.events')
    .values({
      tenant_id: fields.tenantId,
      seq: String(seq),
      actor: fields.actor,
      actor_id: fields.actorId,
      action: fields.action,
      entity: fields.entity,
      entity_id: fields.entityId,
      before,
      after,
      request_id: fields.requestId,
      ip: fields.ip,
      created_at: createdAt,
      prev_hash: prevHash,
      hash,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  return { id: row.id, seq, hash };
}
