import { Decimal, canonicalDecimal } from '../../core/decimal';
import type { Trx } from '../../core/db';
import type { FieldError } from '../../core/errors';
import { AparErrors } from '../errors';
import { documentBalance } from '../mappers';
import * as repo from '../repo';
import type { LedgerEntry } from '../tables';
import { WORD } from './kinds';

/** What money is being applied: a payment (received or made) or a credit note, with what it has left. */
export interface AllocationSource {
  kind: 'received' | 'made' | 'credit_note' | 'vendor_credit';
  id: number;
  side: 'AR' | 'AP';
  partyKind: 'customer' | 'vendor';
  partyId: number;
  docKind: 'invoice' | 'bill';
  available: Decimal;
  currency: string;
  exchangeRate: string;
  date: string;
  /** Refuse documents in another currency (the legacy API has no payment currency and skips this). */
  checkCurrency: boolean;
}

/** A bill may be paid once approved (or when it needs no approval: legacy's bills). */
const payable = (doc: { approval: string }) => doc.approval === 'approved' || doc.approval === 'not_required';

const refuse = (path: string, message: string, code: string): never => {
  throw AparErrors.refused(message, [{ path, message, code } satisfies FieldError]);
};

/**
 * Apply `source` to documents: the explicit `requests` (each checked in order: exists, once, same
 * party, same currency, at most the open balance; then at most what the source has), or, when
 * none are given, the party's open documents oldest due first. Writes the allocations and their
 * ledger entries (the source's credit moves onto the documents); the caller's transaction makes
 * a refusal write nothing.
 */
export async function allocate(
  trx: Trx,
  t: string,
  source: AllocationSource,
  requests: Array<{ documentId: number; amount: string }> | undefined,
): Promise<void> {
  const plan: Array<{ docId: number; amount: Decimal; currency: string; rate: string }> = [];
  const word = WORD[source.docKind]!;
  if (requests === undefined) {
    let remaining = source.available;
    for (const doc of await repo.openDocuments(trx, t, source.docKind, source.partyId)) {
      if (remaining.lte(0)) break;
      if (source.checkCurrency && doc.currency !== source.currency) continue;
      if (source.kind === 'made' && !payable(doc)) continue;
      const applied = Decimal.min(remaining, documentBalance(doc));
      plan.push({ docId: Number(doc.id), amount: applied, currency: doc.currency, rate: doc.exchange_rate });
      remaining = remaining.minus(applied);
    }
  } else {
    const seen = new Set<number>();
    for (const [i, req] of requests.entries()) {
      const at = `body.allocations[${i}]`;
      const doc = await repo.findDocument(trx, t, source.docKind, req.documentId, { forUpdate: true });
      if (!doc)
        throw Object.assign(AparErrors.documentNotFound(source.docKind, req.documentId), {
          errors: [{ path: `${at}.documentId`, message: 'not found', code: 'not_found' }],
        });
      if (seen.has(req.documentId)) refuse(`${at}.documentId`, `${word} appears more than once`, 'duplicate');
      seen.add(req.documentId);
      if (Number(doc.party_id) !== source.partyId)
        refuse(`${at}.documentId`, `${word} belongs to another ${WORD[source.partyKind]}`, 'party');
      if (source.checkCurrency && doc.currency !== source.currency)
        refuse(`${at}.documentId`, `${word} is in ${doc.currency}, not ${source.currency}`, 'currency');
      if (source.kind === 'made' && !payable(doc))
        refuse(
          `${at}.documentId`,
          `bill ${doc.number} is ${doc.approval === 'pending' ? 'waiting for approval' : 'not approved (submit it for approval first)'}; it cannot be paid until approved`,
          'not_approved',
        );
      const balance = documentBalance(doc);
      if (new Decimal(req.amount).gt(balance))
        refuse(
          `${at}.amount`,
          `amount exceeds the ${word} balance of ${canonicalDecimal(balance)}`,
          'balance',
        );
      plan.push({
        docId: req.documentId,
        amount: new Decimal(req.amount),
        currency: doc.currency,
        rate: doc.exchange_rate,
      });
    }
    const total = plan.reduce((s, p) => s.plus(p.amount), new Decimal(0));
    if (total.gt(source.available))
      refuse(
        'body.allocations',
        source.kind === 'credit_note' || source.kind === 'vendor_credit'
          ? `allocations exceed the credit left on the ${WORD[source.kind]}`
          : 'allocations exceed the payment amount',
        'total',
      );
  }
  const entries: LedgerEntry[] = [];
  for (const p of plan) {
    const amount = canonicalDecimal(p.amount);
    await repo.insertAllocation(trx, t, {
      sourceKind: source.kind,
      sourceId: source.id,
      docKind: source.docKind,
      docId: p.docId,
      amount,
      date: source.date,
    });
    const base = {
      side: source.side,
      partyId: source.partyId,
      source: { kind: source.kind, id: source.id },
      date: source.date,
    };
    const sourceDoc =
      source.kind === 'credit_note' || source.kind === 'vendor_credit'
        ? { doc: { kind: source.kind, id: source.id } }
        : {};
    entries.push({
      ...base,
      ...sourceDoc,
      amount,
      currency: source.currency,
      exchangeRate: source.exchangeRate,
    });
    entries.push({
      ...base,
      doc: { kind: source.docKind, id: p.docId },
      amount: canonicalDecimal(p.amount.neg()),
      currency: p.currency,
      exchangeRate: p.rate,
    });
  }
  await repo.postEntries(trx, t, entries);
}
