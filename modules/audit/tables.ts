import type { ColumnType, Generated, Selectable } from 'kysely';

/** audit.events (migrations/0010): append-only, hash-chained per tenant. */
export interface AuditEventTable {
  id: Generated<string>;
  tenant_id: string;
  seq: string;
  actor: string;
  actor_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  request_id: string | null;
  ip: string | null;
  created_at: ColumnType<Date, Date, never>;
  prev_hash: string;
  hash: string;
}
export type AuditEventRow = Selectable<AuditEventTable>;

declare module '../core/database' {
  interface Database {
    'audit.events': AuditEventTable;
  }
}
