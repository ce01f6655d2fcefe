import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp } from '../../test/helpers';
import { Decimal, canonicalDecimal } from '../core/decimal';
import { AppError } from '../core/errors';
import { withTenant } from '../core/db';
import { createAparService, type AparService, type Caller } from './index';

/**
 * Property: for any sequence of AP/AR operations (invoices, payments auto- or explicitly
 * allocated, later allocations of credit, credit notes and their application, write-offs, and
 * refused over-allocations), every balance fig reports is the sum of the ledger, agrees with an
 * independent model, and a refused operation leaves the ledger untouched.
 */

let app: FastifyInstance;
let service: AparService;
beforeAll(async () => {
  ({ app } = await buildTestApp());
  service = createAparService({ db: app.db, log: app.log });
});
afterAll(() => app?.close());

const cents = (n: number) => canonicalDecimal(new Decimal(n).div(100));
type Op =
  | { op: 'invoice'; party: number; amount: number; due: number }
  | { op: 'pay'; party: number; amount: number; explicit: boolean; share: number }
  | { op: 'allocate'; pick: number; share: number }
  | { op: 'credit'; party: number; amount: number }
  | { op: 'writeoff'; pick: number; share: number }
  | { op: 'overpay'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('invoice' as const),
    party: fc.integer({ min: 0, max: 1 }),
    amount: fc.integer({ min: 1, max: 100_000 }),
    due: fc.integer({ min: 0, max: 90 }),
  }),
  fc.record({
    op: fc.constant('pay' as const),
    party: fc.integer({ min: 0, max: 1 }),
    amount: fc.integer({ min: 1, max: 150_000 }),
    explicit: fc.boolean(),
    share: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({
    op: fc.constant('allocate' as const),
    pick: fc.nat(),
    share: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({
    op: fc.constant('credit' as const),
    party: fc.integer({ min: 0, max: 1 }),
    amount: fc.integer({ min: 1, max: 50_000 }),
  }),
  fc.record({
    op: fc.constant('writeoff' as const),
    pick: fc.nat(),
    share: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({ op: fc.constant('overpay' as const), pick: fc.nat() }),
);

const ledgerCount = (tenantId: string) =>
  withTenant(app.db, tenantId, async (trx) =>
    Number((await sql<{ n: string }>`select count(*) as n from apar.ledger`.execute(trx)).rows[0]!.n),
  );
const ledgerSum = (tenantId: string, partyId: number) =>
  withTenant(
    app.db,
    tenantId,
    async (trx) =>
      (
        await sql<{
          s: string;
        }>`select coalesce(sum(amount), 0)::text as s from apar.ledger where side = 'AR' and party_id = ${partyId}`.execute(
          trx,
        )
      ).rows[0]!.s,
  );

async function run(ops: Op[]) {
  const caller: Caller = { tenantId: randomUUID(), actor: 'property' };
  const parties = [
    (await service.createParty(caller, 'customer', { name: 'A' })).id,
    (await service.createParty(caller, 'customer', { name: 'B' })).id,
  ];
  // The model: open balance per invoice, credit per payment / credit note, per party.
  const invoices: Array<{ id: number; party: number; open: Decimal; amount: Decimal }> = [];
  const credits: Array<{ kind: 'payment' | 'note'; id: number; party: number; left: Decimal }> = [];
  const applyTo = (
    party: number,
    amount: Decimal,
    explicit: Array<{ documentId: number; amount: string }> | undefined,
  ) => {
    if (explicit) {
      for (const a of explicit)
        invoices.find((i) => i.id === a.documentId)!.open = invoices
          .find((i) => i.id === a.documentId)!
          .open.minus(a.amount);
      return explicit.reduce((s, a) => s.minus(a.amount), amount);
    }
    let left = amount;
    // oldest due first (ties by id): invoices are created with their due offset kept in `due`.
    for (const inv of [...invoices]
      .filter((i) => i.party === party && i.open.gt(0))
      .sort((x, y) => dueOf.get(x.id)! - dueOf.get(y.id)! || x.id - y.id)) {
      if (left.lte(0)) break;
      const take = Decimal.min(left, inv.open);
      inv.open = inv.open.minus(take);
      left = left.minus(take);
    }
    return left;
  };
  const dueOf = new Map<number, number>();
  const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10);

  for (const o of ops) {
    if (o.op === 'invoice') {
      const party = parties[o.party]!;
      const inv = await service.createDocument(caller, 'invoice', {
        partyId: party,
        issueDate: day(0),
        dueDate: day(o.due),
        lines: [{ quantity: '1', unitPrice: cents(o.amount) }],
      });
      invoices.push({
        id: inv.id,
        party,
        open: new Decimal(cents(o.amount)),
        amount: new Decimal(cents(o.amount)),
      });
      dueOf.set(inv.id, o.due);
    } else if (o.op === 'pay') {
      const party = parties[o.party]!;
      const amount = new Decimal(cents(o.amount));
      let explicit: Array<{ documentId: number; amount: string }> | undefined;
      if (o.explicit) {
        explicit = [];
        let left = amount;
        for (const inv of invoices.filter((i) => i.party === party && i.open.gt(0))) {
          const take = Decimal.min(
            left,
            inv.open.times(o.share).div(100).toDecimalPlaces(2, Decimal.ROUND_DOWN),
          );
          if (take.lte(0)) continue;
          explicit.push({ documentId: inv.id, amount: canonicalDecimal(take) });
          left = left.minus(take);
        }
      }
      const p = await service.recordPayment(caller, 'received', {
        partyId: party,
        amount: cents(o.amount),
        date: day(5),
        allocations: explicit,
      });
      credits.push({ kind: 'payment', id: p.id, party, left: applyTo(party, amount, explicit) });
      expect(p.unapplied).toBe(canonicalDecimal(credits.at(-1)!.left));
    } else if (o.op === 'credit') {
      const party = parties[o.party]!;
      const note = await service.createDocument(caller, 'credit_note', {
        partyId: party,
        issueDate: day(1),
        dueDate: day(1),
        lines: [{ quantity: '1', unitPrice: cents(o.amount) }],
      });
      credits.push({ kind: 'note', id: note.id, party, left: new Decimal(cents(o.amount)) });
    } else if (o.op === 'allocate' || o.op === 'writeoff') {
      const open = invoices.filter((i) => i.open.gt(0));
      if (open.length === 0) continue;
      const inv = open[o.pick % open.length]!;
      const part = inv.open.times(o.share).div(100).toDecimalPlaces(2, Decimal.ROUND_DOWN);
      if (part.lte(0)) continue;
      if (o.op === 'writeoff') {
        await service.writeOff(caller, {
          documentKind: 'invoice',
          documentId: inv.id,
          amount: canonicalDecimal(part),
          reason: 'uncollectable',
          date: day(10),
        });
        inv.open = inv.open.minus(part);
        continue;
      }
      const credit = credits.find((c) => c.party === inv.party && c.left.gt(0));
      if (!credit) continue;
      const take = Decimal.min(part, credit.left);
      const allocations = [{ documentId: inv.id, amount: canonicalDecimal(take) }];
      if (credit.kind === 'payment')
        await service.allocatePayment(caller, 'received', credit.id, allocations, day(7));
      else await service.applyCredit(caller, 'credit_note', credit.id, allocations, day(7));
      credit.left = credit.left.minus(take);
      inv.open = inv.open.minus(take);
    } else {
      // Refused: one cent more than the invoice's open balance; nothing may be written.
      if (invoices.length === 0) continue;
      const inv = invoices[o.pick % invoices.length]!;
      const before = await ledgerCount(caller.tenantId);
      const over = canonicalDecimal(inv.open.plus('0.01'));
      const refused = await service
        .recordPayment(caller, 'received', {
          partyId: inv.party,
          amount: canonicalDecimal(inv.open.plus(1)),
          date: day(5),
          allocations: [{ documentId: inv.id, amount: over }],
        })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({
        code: 'APAR_ALLOCATION_REFUSED',
        statusCode: 422,
        errors: [{ path: 'body.allocations[0].amount', code: 'balance' }],
      });
      expect(await ledgerCount(caller.tenantId)).toBe(before);
    }
  }

  for (const inv of invoices)
    expect((await service.getDocument(caller, 'invoice', inv.id)).balance).toBe(canonicalDecimal(inv.open));
  for (const party of parties) {
    const model = invoices
      .filter((i) => i.party === party)
      .reduce((s, i) => s.plus(i.open), new Decimal(0))
      .minus(credits.filter((c) => c.party === party).reduce((s, c) => s.plus(c.left), new Decimal(0)));
    const reported = (await service.getParty(caller, 'customer', party)).balance;
    expect(reported).toBe(canonicalDecimal(model));
    expect(reported).toBe(canonicalDecimal(await ledgerSum(caller.tenantId, party)));
  }
  // The per-document rollup (migration 0062) equals the ledger, and aging as of dates before,
  // between and after the payments equals aging summed straight from the ledger.
  expect(
    await withTenant(app.db, caller.tenantId, (trx) =>
      sql`select * from apar.balance_drift()`.execute(trx),
    ).then((r) => r.rows),
  ).toEqual([]);
  // The kept list totals (migration 0096) equal a count of the rollup, per kind and status.
  expect(
    await withTenant(app.db, caller.tenantId, (trx) => sql`select * from apar.count_drift()`.execute(trx)).then(
      (r) => r.rows,
    ),
  ).toEqual([]);
  expect((await service.listDocuments(caller, 'invoice', {}, 0, 1)).total).toBe(invoices.length);
  // The stored status the list filter reads (migration 0064) agrees with each document's own status;
  // its total is the kept count.
  for (const status of ['open', 'partial', 'paid'] as const) {
    const listed = await service.listDocuments(caller, 'invoice', { status }, 0, 1000);
    const expected = invoices.filter((i) =>
      i.open.lte(0) ? status === 'paid' : i.open.gte(i.amount) ? status === 'open' : status === 'partial',
    );
    expect(listed.total).toBe(expected.length);
    expect(listed.rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(
      expected.map((i) => i.id).sort((a, b) => a - b),
    );
    for (const r of listed.rows) expect(r.status).toBe(status);
  }
  for (const d of [0, 6, 8, 40, 120]) {
    const report = await service.aging(caller, { asOf: day(d), side: 'AR' });
    expect(report.buckets.map((b) => [b.amount, b.count])).toEqual(
      await referenceAging(caller.tenantId, day(d)),
    );
  }
}

/** Aging buckets (default bounds 30/60/90) as of a date summed from the ledger alone, no rollup. */
const referenceAging = (tenantId: string, asOf: string) =>
  withTenant(app.db, tenantId, async (trx) => {
    const { rows } = await sql<{ days: number; open: string }>`
      select (${asOf}::date - d.due_date) as days, sum(l.amount)::text as open from apar.documents d
      join apar.ledger l on l.doc_kind = d.kind and l.doc_id = d.id and l.entry_date <= ${asOf}::date
      where d.kind = 'invoice' and d.issue_date <= ${asOf}::date group by d.id, d.due_date having sum(l.amount) > 0`.execute(
      trx,
    );
    const buckets = Array.from({ length: 5 }, () => ({ amount: new Decimal(0), count: 0 }));
    for (const r of rows) {
      const i = r.days <= 0 ? 0 : r.days <= 30 ? 1 : r.days <= 60 ? 2 : r.days <= 90 ? 3 : 4;
      buckets[i]!.amount = buckets[i]!.amount.plus(r.open);
      buckets[i]!.count += 1;
    }
    return buckets.map((b) => [canonicalDecimal(b.amount.toDecimalPlaces(10)), b.count]);
  });

describe('AP/AR ledger', () => {
  it('derives every balance from the ledger, for random operation sequences', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), run), { numRuns: 25 });
  }, 120_000);

  it('refuses to change or delete a ledger entry, even for the app role', async () => {
    const caller: Caller = { tenantId: randomUUID(), actor: 't' };
    const c = await service.createParty(caller, 'customer', { name: 'C' });
    await service.createDocument(caller, 'invoice', {
      partyId: c.id,
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
      lines: [{ quantity: '2', unitPrice: '10.005', taxRate: '0.2' }],
    });
    await expect(
      withTenant(app.db, caller.tenantId, (trx) => sql`update apar.ledger set amount = 1`.execute(trx)),
    ).rejects.toThrow(/append-only|permission denied/);
    await expect(
      withTenant(app.db, caller.tenantId, (trx) => sql`delete from apar.ledger`.execute(trx)),
    ).rejects.toThrow(/append-only|permission denied/);
    expect(await ledgerSum(caller.tenantId, c.id)).toBe('24.0100000000');
    // The rollup is written by the ledger's trigger only.
    await expect(
      withTenant(app.db, caller.tenantId, (trx) =>
        sql`update apar.document_balances set open = 0`.execute(trx),
      ),
    ).rejects.toThrow(/permission denied/);
  });
});
