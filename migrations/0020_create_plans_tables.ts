import { sql, type Kysely } from 'kysely';

/**
 * Bonus plans (schema `comp`): the tenant's input catalog, plans with versions, their declared
 * inputs, constants, ordered steps and pools. Every row carries tenant_id under forced RLS.
 * A locked plan is immutable: triggers refuse any change to it or to its children, so even a
 * bug in the API (or a hand-written UPDATE) cannot rewrite a plan that results were computed with.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema if not exists comp`.execute(db);
  await sql`grant usage on schema comp to fig_app`.execute(db);

  await sql`
    create table comp.input_catalog (
      id          uuid primary key default gen_random_uuid(),
      tenant_id   uuid not null,
      key         text not null check (key ~ '^[A-Za-z_][A-Za-z0-9_]{0,63}$'),
      label       text not null,
      type        text not null default 'decimal' check (type in ('decimal', 'money', 'percent', 'integer')),
      description text not null default '',
      unit        text,
      created_at  timestamptz not null default now(),
      updated_at  timestamptz not null default now(),
      unique (tenant_id, key)
    )
  `.execute(db);

  await sql`
    create table comp.bonus_plans (
      id              uuid primary key default gen_random_uuid(),
      tenant_id       uuid not null,
      family_id       uuid not null,
      parent_id       uuid references comp.bonus_plans (id),
      name            text not null,
      description     text not null default '',
      version         integer not null default 1 check (version >= 1),
      status          text not null default 'draft' check (status in ('draft', 'locked')),
      catalog_version integer not null,
      created_by      text not null,
      created_at      timestamptz not null default now(),
      updated_at      timestamptz not null default now(),
      locked_at       timestamptz,
      locked_by       text,
      unique (id, tenant_id),
      unique (tenant_id, family_id, version),
      check ((status = 'locked') = (locked_at is not null))
    )
  `.execute(db);
  await sql`create index bonus_plans_tenant_created_idx on comp.bonus_plans (tenant_id, created_at desc, id)`.execute(db);

  // Children reference (plan_id, tenant_id) so a row can never hang under another tenant's plan.
  await sql`
    create table comp.plan_inputs (
      id          uuid primary key default gen_random_uuid(),
      tenant_id   uuid not null,
      plan_id     uuid not null,
      position    integer not null,
      name        text not null,
      description text not null default '',
      foreign key (plan_id, tenant_id) references comp.bonus_plans (id, tenant_id) on delete cascade,
      unique (plan_id, name)
    )
  `.execute(db);
  await sql`
    create table comp.plan_constants (
      id          uuid primary key default gen_random_uuid(),
      tenant_id   uuid not null,
      plan_id     uuid not null,
      position    integer not null,
      name        text not null,
      value       text not null check (value ~ '^-?[0-9]+(\.[0-9]+)?$'),
      description text not null default '',
      foreign key (plan_id, tenant_id) references comp.bonus_plans (id, tenant_id) on delete cascade,
      unique (plan_id, name)
    )
  `.execute(db);
  // default_value is the canonical decimal string (text, not numeric(38,10)): step values carry
  // up to 28 significant digits and must round-trip exactly.
  await sql`
    create table comp.plan_steps (
      id             uuid primary key default gen_random_uuid(),
      tenant_id      uuid not null,
      plan_id        uuid not null,
      position       integer not null,
      key            text not null,
      output         text not null,
      expr           text not null,
      condition_expr text,
      default_value  text not null default '0' check (default_value ~ '^-?[0-9]+(\.[0-9]+)?$'),
      description    text not null default '',
      created_at     timestamptz not null default now(),
      updated_at     timestamptz not null default now(),
      foreign key (plan_id, tenant_id) references comp.bonus_plans (id, tenant_id) on delete cascade,
      unique (plan_id, key),
      unique (plan_id, output),
      constraint plan_steps_position_key unique (plan_id, position) deferrable initially deferred
    )
  `.execute(db);
  await sql`
    create table comp.plan_pools (
      id          uuid primary key default gen_random_uuid(),
      tenant_id   uuid not null,
      plan_id     uuid not null,
      name        text not null,
      amount      numeric(38, 10) not null check (amount >= 0),
      "column"    text not null,
      output      text not null default 'pool_bonus',
      id_column   text not null default 'employee_id',
      description text not null default '',
      created_at  timestamptz not null default now(),
      updated_at  timestamptz not null default now(),
      foreign key (plan_id, tenant_id) references comp.bonus_plans (id, tenant_id) on delete cascade,
      unique (plan_id, name)
    )
  `.execute(db);

  for (const t of ['input_catalog', 'bonus_plans', 'plan_inputs', 'plan_constants', 'plan_steps', 'plan_pools']) {
    await sql.raw(`alter table comp.${t} enable row level security, force row level security`).execute(db);
    await sql
      .raw(
        `create policy ${t}_tenant on comp.${t} using (tenant_id = app.current_tenant()) with check (tenant_id = app.current_tenant())`,
      )
      .execute(db);
    await sql.raw(`grant select, insert, update, delete on comp.${t} to fig_app`).execute(db);
  }

  // Immutability of locked plans. SQLSTATE FIG01 lets the API map a trigger refusal to 409 PLAN_LOCKED.
  await sql`
    create function comp.refuse_locked_plan() returns trigger language plpgsql as $$
    begin
      if old.status = 'locked' then
        raise exception 'plan % is locked and cannot be changed', old.id using errcode = 'FIG01';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$
  `.execute(db);
  await sql`
    create trigger bonus_plans_immutable_when_locked before update or delete on comp.bonus_plans
    for each row execute function comp.refuse_locked_plan()
  `.execute(db);
  await sql`
    create function comp.refuse_locked_plan_child() returns trigger language plpgsql as $$
    declare
      locked boolean;
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        select status = 'locked' into locked from comp.bonus_plans where id = old.plan_id;
        if locked then
          raise exception 'plan % is locked: its % cannot be changed', old.plan_id, tg_table_name using errcode = 'FIG01';
        end if;
      end if;
      if tg_op in ('UPDATE', 'INSERT') then
        select status = 'locked' into locked from comp.bonus_plans where id = new.plan_id;
        if locked then
          raise exception 'plan % is locked: its % cannot be changed', new.plan_id, tg_table_name using errcode = 'FIG01';
        end if;
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$
  `.execute(db);
  for (const t of ['plan_inputs', 'plan_constants', 'plan_steps', 'plan_pools']) {
    await sql
      .raw(
        `create trigger ${t}_immutable_when_locked before insert or update or delete on comp.${t} for each row execute function comp.refuse_locked_plan_child()`,
      )
      .execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
