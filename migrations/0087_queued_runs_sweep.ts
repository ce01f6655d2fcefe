import { sql, type Kysely } from 'kysely';

/**
 * The worker's sweep of runs left `queued` without a job (issue 14, ADR 0025): Redis was down when
 * POST /runs stored the run, so its job was never added. `runs.queued_runs(older_than)` lists fig
 * runs of every tenant queued for longer than `older_than`, with what the job needs (is it a re-run
 * of failed rows, and the state time its retry job id is built from). Security definer: the worker
 * has no tenant yet; it gets ids, and then works on each run inside that run's tenant (RLS).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function runs.queued_runs(p_older_than interval)
    returns table (tenant_id uuid, id integer, state_changed_at timestamptz, started_at timestamptz, retry_rows boolean)
    language sql stable security definer set search_path = pg_catalog, pg_temp as $$
      select r.tenant_id, r.id, r.state_changed_at, r.started_at,
             r.started_at is not null
               and exists (select 1 from runs.run_chunks c where c.run_id = r.id)
               and not exists (select 1 from runs.run_chunks c where c.run_id = r.id and not c.done)
      from runs.runs r
      where r.status = 'queued' and r.source = 'fig' and coalesce(r.state_changed_at, r.created_at) <= now() - p_older_than
      order by r.id
    $$
  `.execute(db);
  await sql`revoke all on function runs.queued_runs(interval) from public`.execute(db);
  await sql`grant execute on function runs.queued_runs(interval) to fig_service`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
