import { Decimal, canonicalDecimal } from '../../core/decimal';
import { AparErrors } from '../errors';
import * as repo from '../repo';
import type { AgingReport, Settings, Statement } from '../schema';
import { audit, inTenant, today, type AparDeps, type Caller } from './context';
import { SIDE_OF_PARTY } from './kinds';

const c = canonicalDecimal;
export const DEFAULT_SETTINGS: Settings = { baseCurrency: 'USD', agingBuckets: [30, 60, 90] };

/** Bucket labels for bounds [30, 60, 90]: current, 1-30, 31-60, 61-90, 90+. */
export function bucketLabels(bounds: number[]): string[] {
  return [
    'current',
    ...bounds.map((b, i) => `${(bounds[i - 1] ?? 0) + 1}-${b}`),
    `${bounds[bounds.length - 1]}+`,
  ];
}

interface Cell {
  amount: Decimal;
  base: Decimal;
  count: number;
}
export interface AgingFold {
  total: Decimal;
  base: Decimal;
  count: number;
  buckets: Cell[];
  currencies: Map<string, { total: Decimal; base: Decimal }>;
  parties: Array<{ id: number; name: string; total: Decimal; base: Decimal; buckets: Cell[] }>;
}

const cells = (n: number): Cell[] =>
  Array.from({ length: n }, () => ({ amount: new Decimal(0), base: new Decimal(0), count: 0 }));

/** Sum aging rows into report totals, per bucket, per currency and per party (ordered by id). */
export function foldAging(rows: repo.AgingRow[], bucketCount: number): AgingFold {
  const out: AgingFold = {
    total: new Decimal(0),
    base: new Decimal(0),
    count: 0,
    buckets: cells(bucketCount),
    currencies: new Map(),
    parties: [],
  };
  const byParty = new Map<number, AgingFold['parties'][number]>();
  for (const r of rows) {
    const id = Number(r.party_id);
    let party = byParty.get(id);
    if (!party) {
      party = { id, name: r.name, total: new Decimal(0), base: new Decimal(0), buckets: cells(bucketCount) };
      byParty.set(id, party);
      out.parties.push(party);
    }
    const n = Number(r.count);
    for (const target of [out, party]) {
      target.total = target.total.plus(r.amount);
      target.base = target.base.plus(r.base_amount);
      const cell = target.buckets[r.bucket]!;
      cell.amount = cell.amount.plus(r.amount);
      cell.base = cell.base.plus(r.base_amount);
      cell.count += n;
    }
    out.count += n;
    const cur = out.currencies.get(r.currency) ?? { total: new Decimal(0), base: new Decimal(0) };
    out.currencies.set(r.currency, { total: cur.total.plus(r.amount), base: cur.base.plus(r.base_amount) });
  }
  return out;
}

/** Aging rows as of a date for one side, with explicit bucket bounds (the legacy adapter's fixed ones). */
export function agingFold(
  deps: AparDeps,
  caller: Caller,
  side: 'AR' | 'AP',
  asOf: string,
  bounds: number[],
): Promise<AgingFold> {
  return inTenant(deps, caller, async (trx) =>
    foldAging(
      await repo.agingRows(trx, caller.tenantId, side === 'AR' ? 'invoice' : 'bill', asOf, bounds),
      bounds.length + 2,
    ),
  );
}

const money = (d: Decimal) => c(d.toDecimalPlaces(10, Decimal.ROUND_HALF_EVEN));

/** Aging as of any date (default today) from the ledger, in the tenant's buckets, with base-currency totals. */
export async function aging(
  deps: AparDeps,
  caller: Caller,
  query: { asOf?: string; side: 'AR' | 'AP' },
): Promise<AgingReport> {
  const settings = await getSettings(deps, caller);
  const asOf = query.asOf ?? today(deps);
  const labels = bucketLabels(settings.agingBuckets);
  const fold = await agingFold(deps, caller, query.side, asOf, settings.agingBuckets);
  const wire = (b: Cell[]) =>
    b.map((cell, i) => ({
      bucket: labels[i]!,
      amount: money(cell.amount),
      baseAmount: money(cell.base),
      count: cell.count,
    }));
  return {
    asOf,
    side: query.side,
    baseCurrency: settings.baseCurrency,
    baseTotal: money(fold.base),
    count: fold.count,
    buckets: wire(fold.buckets),
    currencies: [...fold.currencies.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, v]) => ({ currency, total: money(v.total), baseTotal: money(v.base) })),
    parties: fold.parties.map((p) => ({
      id: p.id,
      name: p.name,
      baseTotal: money(p.base),
      buckets: wire(p.buckets),
    })),
  };
}

/** Statement of account for a customer or vendor: opening balance, entries with running balance, closing. */
export function statement(
  deps: AparDeps,
  caller: Caller,
  kind: 'customer' | 'vendor',
  id: number,
  from: string,
  to: string,
): Promise<Statement> {
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    const party = await repo.findParty(trx, t, kind, id);
    if (!party) throw AparErrors.partyNotFound(kind, id);
    const side = SIDE_OF_PARTY[kind];
    const dayBefore = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const opening = new Decimal(await repo.partyLedgerSum(trx, t, side, id, dayBefore));
    let running = opening;
    const entries = (await repo.statementRows(trx, t, side, id, from, to)).map((r) => {
      running = running.plus(r.amount);
      return {
        date: r.date,
        sourceKind: r.source_kind,
        sourceId: Number(r.source_id),
        documentId: r.doc_id === null ? null : Number(r.doc_id),
        amount: c(r.amount),
        balance: c(running),
      };
    });
    return { partyId: id, name: party.name, from, to, opening: c(opening), closing: c(running), entries };
  });
}

/** The tenant's AP/AR settings (defaults until changed). */
export function getSettings(deps: AparDeps, caller: Caller): Promise<Settings> {
  return inTenant(deps, caller, async (trx) => {
    const row = await repo.findSettings(trx, caller.tenantId);
    return row
      ? { baseCurrency: row.base_currency, agingBuckets: row.aging_buckets.map(Number) }
      : DEFAULT_SETTINGS;
  });
}

/** Change the base currency and aging buckets (audited). */
export function saveSettings(deps: AparDeps, caller: Caller, body: Settings): Promise<Settings> {
  return inTenant(deps, caller, async (trx) => {
    const before = await repo.findSettings(trx, caller.tenantId);
    await repo.saveSettings(trx, caller.tenantId, body);
    await audit(trx, caller, {
      action: 'apar.settings.update',
      entity: 'apar_settings',
      entityId: caller.tenantId,
      before,
      after: body,
    });
    return body;
  });
}
