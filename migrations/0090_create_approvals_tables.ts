import { sql, type Kysely } from 'kysely';

/**
 * Approvals (schema `approvals`, ADR 0018): policies as data (versioned; a new version is a new
 * row, never an edit), their ordered role steps with optional amount thresholds, approval
 * instances (one subject going through one policy version, with the applicable steps frozen at
 * start) and the append-only decisions. Every row carries tenant_id under forced RLS.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists approvals`.execute(db);
  await sql`grant usage on schema approvals to fig_app`.execute(db);

  await sql`
    create table approvals.policies (
      tenant_id          uuid not null,
      id                 uuid primary key default gen_random_uuid(),
      key                text not null check (key ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
      version            integer not null check (version > 0),
      subject_type       text not null check (subject_type ~ '^[a-z][a-z0-9_]{0,63}$'),
      name               text not null check (length(name) between 1 and 200),
      description        text not null default '',
      distinct_approvers boolean not null default true,
      created_by         text not null,
      created_at         timestamptz not null default now(),
      unique (tenant_id, key, version)
    )
  `.execute(db);
  // min_amount: the step applies only when the subject's amount is above it (null: always).
  await sql`
    create table approvals.policy_steps (
      tenant_id  uuid not null,
      policy_id  uuid not null references approvals.policies (id),
      position   integer not null check (position > 0),
      role       text not null,
      label      text not null default '',
      min_amount numeric(38,10) check (min_amount >= 0),
      primary key (policy_id, position)
    )
  `.execute(db);
  // steps: the policy steps that apply to this subject's amount, frozen when the instance starts
  // ([{position, role, label, minAmount}], position 1..n); current_position indexes into them.
  await sql`
    create table approvals.instances (
      tenant_id        uuid not null,
      id               uuid primary key default gen_random_uuid(),
      policy_id        uuid not null references approvals.policies (id),
      policy_key       text not null,
      subject_type     text not null,
      subject_id       text not null check (length(subject_id) between 1 and 200),
      amount           numeric(38,10),
      status           text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'cancelled')),
      steps            jsonb not null,
      current_position integer,
      waiting_role     text,
      reason           text,
      started_by       text not null,
      created_at       timestamptz not null default now(),
      completed_at     timestamptz,
      check ((status = 'pending') = (current_position is not null)),
      check ((status = 'pending') = (waiting_role is not null)),
      check ((status = 'pending') = (completed_at is null))
    )
  `.execute(db);
  await sql`create unique index instances_one_pending on approvals.instances (tenant_id, subject_type, subject_id) where status = 'pending'`.execute(
    db,
  );
  await sql`create index instances_inbox on approvals.instances (tenant_id, waiting_role, created_at) where status = 'pending'`.execute(db);
  await sql`create index instances_subject on approvals.instances (tenant_id, subject_type, subject_id, created_at)`.execute(db);
  await sql`
    create table approvals.decisions (
      tenant_id   uuid not null,
      id          bigserial primary key,
      instance_id uuid not null references approvals.instances (id),
      position    integer not null check (position > 0),
      role        text not null,
      decision    text not null check (decision in ('approve', 'reject')),
      comment     text not null default '',
      actor       text not null,
      actor_id    text,
      decided_at  timestamptz not null default now(),
      unique (instance_id, position)
    )
  `.execute(db);
  await sql`
    create function approvals.append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only', tg_table_name using errcode = 'FIG03';
    end $$
  `.execute(db);
  for (const t of ['policies', 'policy_steps', 'decisions'])
    await sql
      .raw(`create trigger ${t}_append_only before update or delete on approvals.${t} for each row execute function approvals.append_only()`)
      .execute(db);

  const grants: Record<string, string> = {
    policies: 'select, insert',
    policy_steps: 'select, insert',
    instances: 'select, insert, update',
    decisions: 'select, insert',
  };
  for (const [t, grant] of Object.entries(grants)) {
    await sql.raw(`alter table approvals.${t} enable row level security, force row level security`).execute(db);
    await sql
      .raw(`create policy ${t}_tenant on approvals.${t} using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())`)
      .execute(db);
    await sql.raw(`grant ${grant} on approvals.${t} to fig_app`).execute(db);
  }
  await sql`grant usage on all sequences in schema approvals to fig_app`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
