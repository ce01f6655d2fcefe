import { sql, type Kysely } from 'kysely';

/**
 * The `ip` columns hold an IP address or nothing. The gateway already guarantees it (request.ip is
 * the socket peer, or a validated X-Forwarded-For hop from a trusted proxy); this keeps any other
 * writer honest too. NOT VALID: rows written before are not re-checked (audit rows are immutable).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const address = `ip is null or (length(ip) between 2 and 45 and ip ~ '^[0-9A-Fa-f:.]+$')`;
  for (const [table, name] of [
    ['audit.events', 'events_ip_is_address'],
    ['identity.auth_events', 'auth_events_ip_is_address'],
    ['identity.user_sessions', 'user_sessions_ip_is_address'],
  ] as const) {
    await sql.raw(`alter table ${table} add constraint ${name} check (${address}) not valid`).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
