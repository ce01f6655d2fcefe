import { sql, type Kysely } from 'kysely';

/**
 * Bill approval (ADR 0026): a bill entered through fig's own API starts `draft` and can be paid
 * only once `approved` through modules/approvals (policy `ap-bill`); submitting makes it
 * `pending`, a rejection puts it back to `draft`. Bills that came from legacy's API or its
 * backfill (legacy has no approvals) and every other document kind are `not_required`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table apar.documents add column approval text not null default 'not_required'
    check (approval in ('not_required', 'draft', 'pending', 'approved'))`.execute(db);
  await sql`alter table apar.documents add constraint documents_approval_bills_only
    check (approval = 'not_required' or kind = 'bill')`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
