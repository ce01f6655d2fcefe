import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './database';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

/** The role every tenant-scoped transaction switches to. It has no BYPASSRLS (see migrations/0001). */
export const APP_ROLE = 'fig_app';

// numeric and bigint come back as strings (never JS numbers: money is decimal).
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

/** Build a Kysely instance on a pg pool. The caller owns it and must `destroy()` it. */
export function createDb(databaseUrl: string, opts: { max?: number; connectTimeoutMs?: number; onIdleError?: (err: Error) => void } = {}): Db {
  // connectTimeoutMs: a connection that cannot be had in time fails (503 at the gateway's edge)
  // instead of the request waiting for as long as Postgres is away. Unset: wait (pg's default).
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.max ?? 10, connectionTimeoutMillis: opts.connectTimeoutMs ?? 0 });
  // An idle pooled connection that Postgres drops (restart, failover) is an 'error' on the pool;
  // unheard, Node would crash the process. pg has already discarded that client; the next query
  // opens a new one (docs/reliability.md, "Postgres restarted").
  pool.on('error', (err) => opts.onIdleError?.(err));
  // A checked-out connection has no pool listener: if Postgres drops it between two queries of a
  // transaction (restart, network cut), pg emits 'error' on the client itself and, unheard, Node
  // crashes the process. Listen on every client for its whole life; the failed transaction still
  // rejects, and pg-pool discards the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', (err) => opts.onIdleError?.(err));
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Run `fn` in one transaction scoped to a tenant: the transaction switches to the app role
 * (subject to RLS) and sets `app.tenant_id` transaction-locally. Everything `fn` does commits
 * or rolls back together, including its audit events.
 */
export async function withTenant<T>(db: Db, tenantId: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
  if (!UUID_RE.test(tenantId)) throw new Error(`withTenant: not a tenant id: ${JSON.stringify(tenantId)}`);
  return db.transaction().execute(async (trx) => {
    // One round trip: set_config('role', …, true) is SET LOCAL ROLE.
    await sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${APP_ROLE}, true)`.execute(trx);
    return fn(trx);
  });
}

/** Run `fn` in one transaction as the app role with no tenant set: RLS shows no tenant rows. */
export async function withoutTenant<T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql.raw(`set local role ${APP_ROLE}`).execute(trx);
    return fn(trx);
  });
}
