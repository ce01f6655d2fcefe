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
 * A document with no entry after `asOf` is open by its rolled-up balance (apar.document_balances,
 * the ledger's sum kept in the posting transaction); only documents with later entries sum their
 * ledger up to the date (ADR 0019).
 */
export async function agingRows(
  trx: Trx,
  t: string,
  docKind: string,
  asOf: string,
  bounds: number[],
): Promise<AgingRow[]> {
  // JIT compiles this plan on every call (its cost estimate passes jit_above_cost at 100k
  // documents) and costs more than it saves on a ~100 ms query; off for this transaction only.
  await sql`set local jit = off`.execute(trx);
  const { rows } = await sql<AgingRow>`
    with open_docs as (
      select party_id, currency, exchange_rate, due_date, open
      from apar.document_balances
      where tenant_id = ${t} and doc_kind = ${docKind} and last_entry_date <= ${asOf}::date and open > 0
        and issue_date <= ${asOf}::date
      union all
      select b.party_id, b.currency, b.exchange_rate, b.due_date, s.open
      from apar.document_balances b
      cross join lateral (select sum(l.amount) as open from apar.ledger l
        where l.tenant_id = ${t} and l.doc_kind = b.doc_kind and l.doc_id = b.doc_id and l.entry_date <= ${asOf}::date) s
      where b.tenant_id = ${t} and b.doc_kind = ${docKind} and b.last_entry_date > ${asOf}::date
        and b.issue_date <= ${asOf}::date and s.open > 0
    ), agg as (
      select party_id, currency,
        case when ${asOf}::date - due_date <= 0 then 0 else 1 + width_bucket(${asOf}::date - due_date - 1, ${bounds}::int[]) end as bucket,
        sum(open) as amount, sum(open * exchange_rate) as base, count(*) as count
      from open_docs group by 1, 2, 3
    )
    select a.party_id, p.name, a.currency, a.bucket::int as bucket, a.amount::text as amount, a.base::text as base_amount, a.count
    from agg a join apar.parties p on p.tenant_id = ${t} and p.kind = ${docKind === 'bill' ? 'vendor' : 'customer'} and p.id = a.party_id
    order by a.party_id, a.currency, a.bucket`.execute(trx);
  return rows;
}

/** Documents whose rolled-up balance differs from their ledger (empty unless the rollup is wrong). */
export async function balanceDrift(trx: Trx) {
  const { rows } = await sql<{
    doc_kind: string;
    doc_id: string;
    cached: string | null;
    ledger: string | null;
  }>`
    select doc_kind, doc_id, cached::text, ledger::text from apar.balance_drift()`.execute(trx);
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
      case when source_kind in ('invoice', 'bill', 'credit_note', 'vendor_credit') then source_id end as doc_id, sum(amount)::text as amount
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
