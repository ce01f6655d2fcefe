import { sql } from 'kysely';
import type { Trx } from '../core/db';
import { Decimal, canonicalDecimal } from '../core/decimal';
import type { LedgerEntry } from './tables';

/** Ledger, report and settings queries on the apar schema (repo.ts re-exports them). */

// ---- ledger

/** Append ledger entries (base amount = amount × the exchange rate at posting, rounded to the column's 10 decimals). */
export async function postEntries(trx: Trx, t: string, entries: LedgerEntry[]) {
  for (const e of entries) {
    const base = canonicalDecimal(
      new Decimal(e.amount).times(e.exchangeRate).toDecimalPlaces(10, Decimal.ROUND_HALF_EVEN),
    );
    await sql`insert into apar.ledger (tenant_id, side, party_id, doc_kind, doc_id, source_kind, source_id, entry_date, amount, currency, base_amount)
      values (${t}, ${e.side}, ${e.partyId}, ${e.doc?.kind ?? null}, ${e.doc?.id ?? null}, ${e.source.kind}, ${e.source.id}, ${e.date}, ${e.amount}, ${e.currency}, ${base})`.execute(
      trx,
    );
  }
}

/** Sum of a party's ledger (what it owes, or is owed when negative), optionally up to a date. */
export async function partyLedgerSum(
  trx: Trx,
  t: string,
  side: string,
  partyId: number,
  upTo?: string,
): Promise<string> {
  const date = upTo === undefined ? sql`true` : sql`entry_date <= ${upTo}`;
  const { rows } = await sql<{ s: string }>`select coalesce(sum(amount), 0)::text as s from apar.ledger
    where tenant_id = ${t} and side = ${side} and party_id = ${partyId} and ${date}`.execute(trx);
  return rows[0]!.s;
}

// ---- reports

export interface AgingRow {
  party_id: string;
  name: string;
  currency: string;
  bucket: number;
  amount: string;
  base_amount: string;
  count: string;
}

/**
 * Open documents as of `asOf` from the ledger (entries dated on or before it, documents issued on
 * or before it, open > 0), summed by party, currency and bucket. Bucket 0 is not yet due; bucket
 * i > 0 holds days past due above bounds[i-2] and up to bounds[i-1] (the last has no upper bound).
 */
export async function agingRows(
  trx: Trx,
  t: string,
  docKind: string,
  asOf: string,
  bounds: number[],
): Promise<AgingRow[]> {
  const { rows } = await sql<AgingRow>`
    with open_docs as (
      select d.party_id, d.currency, d.exchange_rate, (${asOf}::date - d.due_date) as days, sum(l.amount) as open
      from apar.documents d
      join apar.ledger l on l.tenant_id = d.tenant_id and l.doc_kind = d.kind and l.doc_id = d.id and l.entry_date <= ${asOf}::date
      where d.tenant_id = ${t} and d.kind = ${docKind} and d.issue_date <= ${asOf}::date
      group by d.tenant_id, d.kind, d.id
      having sum(l.amount) > 0
    ), bucketed as (
      select party_id, currency, open, open * exchange_rate as base,
        case when days <= 0 then 0 else 1 + (select count(*) from unnest(${bounds}::int[]) b where days > b) end as bucket
      from open_docs
    )
    select b.party_id, p.name, b.currency, b.bucket::int as bucket, sum(b.open)::text as amount, sum(b.base)::text as base_amount, count(*) as count
    from bucketed b join apar.parties p on p.tenant_id = ${t} and p.kind = ${docKind === 'bill' ? 'vendor' : 'customer'} and p.id = b.party_id
    group by b.party_id, p.name, b.currency, b.bucket
    order by b.party_id, b.currency, b.bucket`.execute(trx);
  return rows;
}

export interface StatementRow {
  date: string;
  source_kind: string;
  source_id: string;
  doc_id: string | null;
  amount: string;
}

/**
 * A party's ledger between two dates, one line per source and day (an allocation's two entries
 * cancel out for the party, so a payment shows once, as paid).
 */
export async function statementRows(
  trx: Trx,
  t: string,
  side: string,
  partyId: number,
  from: string,
  to: string,
): Promise<StatementRow[]> {
  const { rows } = await sql<StatementRow>`
    select entry_date::text as date, source_kind, source_id,
      case when source_kind in ('invoice', 'bill', 'credit_note') then source_id end as doc_id, sum(amount)::text as amount
    from apar.ledger where tenant_id = ${t} and side = ${side} and party_id = ${partyId} and entry_date between ${from}::date and ${to}::date
    group by entry_date, source_kind, source_id having sum(amount) <> 0
    order by entry_date, min(id)`.execute(trx);
  return rows;
}

export async function findSettings(
  trx: Trx,
  t: string,
): Promise<{ base_currency: string; aging_buckets: number[] } | undefined> {
  const { rows } = await sql<{
    base_currency: string;
    aging_buckets: number[];
  }>`select base_currency, aging_buckets from apar.settings where tenant_id = ${t}`.execute(trx);
  return rows[0];
}

export async function saveSettings(trx: Trx, t: string, s: { baseCurrency: string; agingBuckets: number[] }) {
  await sql`insert into apar.settings (tenant_id, base_currency, aging_buckets) values (${t}, ${s.baseCurrency}, ${s.agingBuckets}::int[])
    on conflict (tenant_id) do update set base_currency = excluded.base_currency, aging_buckets = excluded.aging_buckets`.execute(
    trx,
  );
}
