import { sql, type Kysely } from 'kysely';

/**
 * Runs speed (issue 14, ADR 0029): the parse job counts, per column of an upload, the cells a
 * mapping's validation can find fault with — empty, not a number, negative, beyond ±1 — as
 * `runs.uploads.column_stats` (`{header: {empty, nan, negative, beyond_one}}`). Saving a mapping
 * then looks for problems only in the columns whose counts say there are some, and no longer
 * rewrites the rows (the run's threads map each row's `fields` as they read it). Null for legacy
 * uploads and for uploads parsed before this migration (every mapped column is checked).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table runs.uploads add column column_stats jsonb`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
