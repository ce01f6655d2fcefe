import { sql, type Kysely } from 'kysely';

/**
 * runs.run_results → runs.runs and runs.upload_rows → runs.uploads: the same rule as the foreign
 * keys of 0050 (a row belongs to an existing parent of the same tenant; deleting the parent
 * deletes its rows; a parent's key never changes), enforced once per statement instead of once
 * per row (ADR 0022). A run of 100,000 employees writes 100,000 results in a few statements: the
 * per-row foreign-key check was most of the cost of writing them (measured: ~70 % of an
 * `insert … select` of 20,000 results).
 *
 * - After insert or update of children, one set-based check per statement: the parents are
 *   locked `for key share` (as a foreign key does, so a concurrent delete waits), then any child
 *   whose (parent, tenant) does not exist fails the statement with SQLSTATE 23503, as before.
 * - After delete of parents, one statement deletes their children (the old `on delete cascade`).
 * - Before update of a parent's id or tenant_id: refused (the old `no action` on a referenced key).
 * Triggers run as the caller, under its RLS, like the statements that fire them.
 */

interface Link {
  child: string;
  childKey: string;
  parent: string;
  label: string;
}

const LINKS: Link[] = [
  { child: 'run_results', childKey: 'run_id', parent: 'runs', label: 'run' },
  { child: 'upload_rows', childKey: 'upload_id', parent: 'uploads', label: 'upload' },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const { child, childKey, parent, label } of LINKS) {
    await sql.raw(`alter table runs.${child} drop constraint ${child}_${childKey}_tenant_id_fkey`).execute(db);
    await sql
      .raw(
        `create function runs.check_${child}_parent() returns trigger language plpgsql as $$
        begin
          perform 1 from runs.${parent} p
            where (p.id, p.tenant_id) in (select distinct c.${childKey}, c.tenant_id from new_rows c)
            for key share;
          if exists (
            select 1 from (select distinct c.${childKey}, c.tenant_id from new_rows c) c
            where not exists (select 1 from runs.${parent} p where p.id = c.${childKey} and p.tenant_id = c.tenant_id)
          ) then
            raise exception using errcode = 'foreign_key_violation',
              message = 'insert or update on table "${child}" needs an existing ${label} of the same tenant';
          end if;
          return null;
        end $$`,
      )
      .execute(db);
    for (const event of ['insert', 'update'])
      await sql
        .raw(
          `create trigger ${child}_parent_exists_${event} after ${event} on runs.${child}
           referencing new table as new_rows for each statement execute function runs.check_${child}_parent()`,
        )
        .execute(db);
    await sql
      .raw(
        `create function runs.delete_${parent}_${child}() returns trigger language plpgsql as $$
        begin
          delete from runs.${child} c using old_rows p where c.${childKey} = p.id and c.tenant_id = p.tenant_id;
          return null;
        end $$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger ${parent}_delete_${child} after delete on runs.${parent}
         referencing old table as old_rows for each statement execute function runs.delete_${parent}_${child}()`,
      )
      .execute(db);
  }
  await sql`
    create function runs.keep_parent_key() returns trigger language plpgsql as $$
    begin
      if new.id <> old.id or new.tenant_id <> old.tenant_id then
        raise exception using errcode = 'foreign_key_violation', message = format('the id and tenant of %s rows never change', tg_table_name);
      end if;
      return new;
    end $$`.execute(db);
  for (const parent of ['runs', 'uploads'])
    await sql
      .raw(`create trigger ${parent}_keep_key before update of id, tenant_id on runs.${parent} for each row execute function runs.keep_parent_key()`)
      .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
