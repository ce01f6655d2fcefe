import type { Trx } from '../core/db';
import { eventHash, GENESIS_HASH, type ChainedFields } from './canonical';
import { eventsAfter } from './repo';
import type { AuditEventRow } from './tables';

export interface BrokenLink {
  id: string;
  seq: number;
  /** seq_gap: an event is missing before this one; prev_hash_mismatch: the link to the previous
   * event does not match; hash_mismatch: this event's content was changed after it was written. */
  reason: 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch';
  expected: string;
  actual: string;
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  firstBroken: BrokenLink | null;
}

/** The fields of a stored row that its hash covers, as the wire and the hash name them. */
export function chainedFields(row: AuditEventRow): ChainedFields {
  return {
    tenantId: row.tenant_id,
    seq: Number(row.seq),
    actor: row.actor,
    actorId: row.actor_id,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.request_id,
    ip: row.ip,
    createdAt: row.created_at.toISOString(),
    prevHash: row.prev_hash,
  };
}

/** Recompute the hash of a stored row. */
export function rowHash(row: AuditEventRow): string {
  return eventHash(chainedFields(row));
}

/**
 * Re-walk the tenant's chain from the first event and report the first broken link: a missing
 * event (seq gap), a prev_hash that does not match the previous event, or an event whose content
 * no longer matches its hash. The transaction must be tenant-scoped.
 */
export async function verifyChain(trx: Trx, batch = 1000): Promise<ChainReport> {
  let prevSeq = 0;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await eventsAfter(trx, prevSeq, batch);
    for (const row of rows) {
      const seq = Number(row.seq);
      const broken = (reason: BrokenLink['reason'], expected: string, actual: string): ChainReport => ({
        ok: false,
        checked,
        headSeq: prevSeq,
        headHash: prevHash,
        firstBroken: { id: row.id, seq, reason, expected, actual },
      });
      if (seq !== prevSeq + 1) return broken('seq_gap', String(prevSeq + 1), String(seq));
      if (row.prev_hash !== prevHash) return broken('prev_hash_mismatch', prevHash, row.prev_hash);
      const actual = rowHash(row);
      if (actual !== row.hash) return broken('hash_mismatch', row.hash, actual);
      checked++;
      prevSeq = seq;
      prevHash = row.hash;
    }
    if (rows.length < batch) break;
  }
  return { ok: true, checked, headSeq: prevSeq, headHash: prevHash, firstBroken: null };
}
