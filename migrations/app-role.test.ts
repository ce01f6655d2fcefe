import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp } from '../test/helpers';
import { loginAs } from '../test/auth';
import { appDatabaseUrl, loadConfig } from '../modules/core/config';

describe('the app\'s database role', () => {
  let app: FastifyInstance;
  let tenantA: string;
  let tenantB: string;
  beforeAll(async () => {
    ({ app } = await buildTestApp());
    tenantA = (await loginAs(app, { roles: ['admin'] })).tenantId;
    tenantB = (await loginAs(app, { roles: ['admin'] })).tenantId;
  });
  afterAll(() => app.close());

  it('derives APP_DATABASE_URL from DATABASE_URL with the fig_service user, and keeps migrations on the owner', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://owner:secret@db.internal:5432/fig' });
    expect([c.APP_DATABASE_URL, c.MIGRATION_DATABASE_URL]).toEqual(['postgres://fig_service@db.internal:5432/fig', 'postgres://owner:secret@db.internal:5432/fig']);
    expect(appDatabaseUrl('postgres://x@h/d')).toBe('postgres://fig_service@h/d');
    const both = loadConfig({ DATABASE_URL: 'postgres://o@h/d', APP_DATABASE_URL: 'postgres://app:pw@h/d', MIGRATION_DATABASE_URL: 'postgres://mig@h/d' });
    expect([both.APP_DATABASE_URL, both.MIGRATION_DATABASE_URL]).toEqual(['postgres://app:pw@h/d', 'postgres://mig@h/d']);
  });

  it('connects as fig_service: not a superuser, no BYPASSRLS, owner of no table', async () => {
    const { rows } = await sql<{ user: string; superuser: boolean; bypassrls: boolean; owned: number }>`
      select current_user as user, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
             (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where c.relowner = r.oid and n.nspname not in ('pg_catalog', 'information_schema')) as owned
      from pg_roles r where r.rolname = current_user`.execute(app.db);
    expect(rows).toEqual([{ user: 'fig_service', superuser: false, bypassrls: false, owned: 0 }]);
  });

  it('cannot turn row-level security off or become the owner', async () => {
    // row_security = off makes any query that a policy would filter fail instead of bypassing it.
    await expect(
      app.db.transaction().execute(async (trx) => {
        await sql`set local row_security = off`.execute(trx);
        await sql`select set_config('app.tenant_id', ${tenantB}, true)`.execute(trx);
        await sql.raw('set local role fig_app').execute(trx);
        await sql`select count(*) from tenancy.memberships where tenant_id = ${tenantA}`.execute(trx);
      }),
    ).rejects.toThrow(/query would be affected by row-level security policy for table "memberships"/);
    await expect(sql`set role postgres`.execute(app.db)).rejects.toThrow(/permission denied to set role "postgres"/);
  });

  it('sees no tenant-owned rows without a tenant, and only its own tenant\'s with one', async () => {
    const none = await sql<{ n: number }>`select count(*)::int as n from tenancy.memberships`.execute(app.db);
    expect(none.rows).toEqual([{ n: 0 }]);
    const other = await app.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenantB}, true)`.execute(trx);
      await sql.raw('set local role fig_app').execute(trx);
      return sql<{ n: number }>`select count(*)::int as n from tenancy.memberships where tenant_id = ${tenantA}`.execute(trx);
    });
    expect(other.rows).toEqual([{ n: 0 }]);
  });

  it('cannot ALTER, DROP or TRUNCATE a table, nor create one', async () => {
    const attempts = {
      alter: 'alter table tenancy.memberships disable row level security',
      drop: 'drop table gateway.routes',
      truncate: 'truncate audit.events',
      trigger: 'alter table audit.events disable trigger events_append_only',
      create: 'create table gateway.mine (id int)',
    };
    const outcomes: Record<string, string> = {};
    for (const [name, statement] of Object.entries(attempts)) {
      outcomes[name] = await sql
        .raw(statement)
        .execute(app.db)
        .then(() => 'allowed', (err: Error) => err.message);
    }
    expect(outcomes).toEqual({
      alter: 'must be owner of table memberships',
      drop: 'must be owner of table routes',
      truncate: 'permission denied for table events',
      trigger: 'must be owner of table events',
      create: 'permission denied for schema gateway',
    });
  });

  it('keeps sessions, link tokens, the outbox and password hashes out of tenant transactions', async () => {
    const denied: Record<string, string> = {};
    for (const [name, query] of Object.entries({
      sessions: 'select * from identity.user_sessions',
      tokens: 'select * from identity.action_tokens',
      outbox: 'select * from identity.outbox',
      hashes: 'select password_hash from identity.users',
    })) {
      denied[name] = await app.db
        .transaction()
        .execute(async (trx) => {
          await sql`select set_config('app.tenant_id', ${tenantA}, true)`.execute(trx);
          await sql.raw('set local role fig_app').execute(trx);
          await sql.raw(query).execute(trx);
          return 'allowed';
        })
        .catch((err: Error) => err.message);
    }
    expect(denied).toEqual({
      sessions: 'permission denied for table user_sessions',
      tokens: 'permission denied for table action_tokens',
      outbox: 'permission denied for table outbox',
      hashes: 'permission denied for table users',
    });
  });
});
