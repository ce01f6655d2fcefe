import { Decimal, canonicalDecimal } from '../../core/decimal';
import { AparErrors } from '../errors';
import { documentBalance } from '../mappers';
import * as repo from '../repo';
import type { DocumentDetail, WriteOffBody } from '../schema';
import { audit, inTenant, type AparDeps, type Caller } from './context';
import { loadDocument } from './documents';
import { PARTY_OF_DOCUMENT, SIDE_OF_PARTY } from './kinds';

/** Write off (part of) an invoice's or bill's open balance, with a reason; posts a ledger entry. */
export async function writeOff(deps: AparDeps, caller: Caller, body: WriteOffBody): Promise<DocumentDetail> {
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    const kind = body.documentKind;
    const doc = await repo.findDocument(trx, t, kind, body.documentId, { forUpdate: true });
    if (!doc) throw AparErrors.documentNotFound(kind, body.documentId);
    const balance = documentBalance(doc);
    if (new Decimal(body.amount).gt(balance)) {
      const message = `amount exceeds the ${kind} balance of ${canonicalDecimal(balance)}`;
      throw AparErrors.refused(message, [{ path: 'body.amount', message, code: 'balance' }]);
    }
    const id = await repo.nextCounter(trx, t, 'write_off');
    await repo.insertWriteOff(trx, t, {
      id,
      docKind: kind,
      docId: body.documentId,
      amount: body.amount,
      reason: body.reason,
      date: body.date,
      createdBy: caller.actor,
    });
    const partyKind = PARTY_OF_DOCUMENT[kind];
    await repo.postEntries(trx, t, [
      {
        side: SIDE_OF_PARTY[partyKind],
        partyId: Number(doc.party_id),
        doc: { kind, id: body.documentId },
        source: { kind: 'write_off', id },
        date: body.date,
        amount: canonicalDecimal(new Decimal(body.amount).neg()),
        currency: doc.currency,
        exchangeRate: doc.exchange_rate,
      },
    ]);
    const after = await loadDocument(trx, t, kind, body.documentId);
    await audit(trx, caller, {
      action: `apar.${kind}.write_off`,
      entity: kind,
      entityId: String(body.documentId),
      after: { writeOff: { id, ...body }, balance: after.balance },
    });
    return after;
  });
}
