import { AparErrors } from '../errors';
import * as repo from '../repo';
import type { DocumentDetail, DocumentKind } from '../schema';
import { audit, inTenant, type AparDeps, type Caller } from './context';
import { loadDocument } from './documents';
import { WORD } from './kinds';

/**
 * Change a posted document. Only `description` moves no money; any other field (lines, amounts,
 * dates, party, currency…) is refused with its path, since the ledger already holds the posting:
 * a credit note or write-off corrects it. A refusal writes nothing.
 */
export function editDocument(
  deps: AparDeps,
  caller: Caller,
  kind: DocumentKind,
  id: number,
  body: Record<string, unknown>,
): Promise<DocumentDetail> {
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    const before = await loadDocument(trx, t, kind, id);
    const refused = Object.keys(body).filter((k) => k !== 'description');
    if (refused.length) throw AparErrors.postedFields(WORD[kind]!, refused);
    if ('description' in body) {
      await repo.setDescription(trx, t, kind, id, (body.description as string | null) ?? null);
    }
    const after = await loadDocument(trx, t, kind, id);
    await audit(trx, caller, {
      action: `apar.${kind}.edit`,
      entity: kind,
      entityId: String(id),
      before: { description: before.description },
      after: { description: after.description },
    });
    return after;
  });
}
