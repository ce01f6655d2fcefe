import { sql, type Kysely } from 'kysely';

/**
 * Vendor credits (AP's credit notes): a document kind `vendor_credit` on a vendor, posted as
 * −amount on the AP ledger and applied to that vendor's bills like a credit note to invoices.
 * Widens the kind checks of documents, allocations and ledger sources.
 */
const dropChecks = (table: string, like: string) => sql`
  do $$ declare r record; begin
    for r in select conname from pg_constraint
      where conrelid = ${sql.lit(`apar.${table}`)}::regclass and contype = 'c' and pg_get_constraintdef(oid) like ${sql.lit(like)}
    loop execute format('alter table apar.%I drop constraint %I', ${sql.lit(table)}, r.conname); end loop;
  end $$`;

export async function up(db: Kysely<any>): Promise<void> {
  await dropChecks('documents', '%credit_note%').execute(db);
  await dropChecks('documents', '%party_kind%').execute(db);
  await sql`alter table apar.documents
    add constraint documents_kind_check check (kind in ('invoice', 'bill', 'credit_note', 'vendor_credit')),
    add constraint documents_party_kind_check check ((kind in ('bill', 'vendor_credit')) = (party_kind = 'vendor'))`.execute(
    db,
  );
  await dropChecks('allocations', '%credit_note%').execute(db);
  await sql`alter table apar.allocations add constraint allocations_source_kind_check
    check (source_kind in ('received', 'made', 'credit_note', 'vendor_credit'))`.execute(db);
  await dropChecks('ledger', '%credit_note%').execute(db);
  await sql`alter table apar.ledger add constraint ledger_source_kind_check
    check (source_kind in ('invoice', 'bill', 'credit_note', 'vendor_credit', 'received', 'made', 'write_off'))`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
