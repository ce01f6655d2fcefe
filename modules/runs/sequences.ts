import { sql } from 'kysely';
import type { Db, Trx } from '../core/db';

/** The integer-id tables of modules/runs whose ids legacy also numbers (uploads, batches, scenarios). */
export const ID_TABLES = ['runs.uploads', 'runs.runs', 'runs.scenarios'] as const;
export type IdTable = (typeof ID_TABLES)[number];

/**
 * Move each table's id sequence past `max` (and past the highest id already in the table), so ids
 * fig generates continue after legacy's. For the backfill, which inserts legacy's own ids. Never
 * moves a sequence back. Returns the next id each table will hand out.
 */
export async function bumpIdSequences(db: Db | Trx, max: Partial<Record<IdTable, number>>): Promise<Record<string, number>> {
  const next: Record<string, number> = {};
  for (const table of ID_TABLES) {
    const floor = max[table] ?? 0;
    if (!Number.isSafeInteger(floor) || floor < 0) throw new Error(`bumpIdSequences: ${table}: not a non-negative integer: ${floor}`);
    // The sequence is global (all tenants): greatest() also keeps its current value, so it never moves back.
    const { rows } = await sql<{ next: string }>`
      with s as (select pg_get_serial_sequence(${table}, 'id') as seq),
      v as (
        select s.seq, greatest(${floor}::bigint, coalesce((select max(id) from ${sql.table(table)}), 0),
          coalesce((select p.last_value from pg_sequences p where p.schemaname || '.' || p.sequencename = s.seq), 0)) as top
        from s
      )
      select case when top > 0 then setval(seq, top, true) + 1 else 1 end as next from v`.execute(db);
    next[table] = Number(rows[0]?.next);
  }
  return next;
}
