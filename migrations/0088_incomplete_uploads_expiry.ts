import { sql, type Kysely } from 'kysely';

/**
 * Incomplete tus uploads expire (issue 14, ADR 0025): `storage.expired_incomplete_uploads(older_than)`
 * lists uploads of every tenant still `uploading` after `older_than` (UPLOAD_INCOMPLETE_TTL_S), with
 * their tus id. Security definer, ids only: the gateway's cleanup then deletes each row inside its
 * tenant (RLS) with an audit event and removes the staged file.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function storage.expired_incomplete_uploads(p_older_than interval)
    returns table (tenant_id uuid, id integer, tus_id text)
    language sql stable security definer set search_path = pg_catalog, pg_temp as $$
      select u.tenant_id, u.id, u.tus_id from runs.uploads u
      where u.status = 'uploading' and u.tus_id is not null and u.created_at <= now() - p_older_than
      order by u.id
    $$
  `.execute(db);
  await sql`revoke all on function storage.expired_incomplete_uploads(interval) from public`.execute(db);
  await sql`grant execute on function storage.expired_incomplete_uploads(interval) to fig_service`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
