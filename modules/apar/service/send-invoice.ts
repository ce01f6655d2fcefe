import { sql } from 'kysely';
import { AppError } from '../../core/errors';
import { mailInvoiceSent } from '../../notify/index';
import { findOrganisationAsOwner } from '../../tenancy/index';
import { AparErrors } from '../errors';
import * as repo from '../repo';
import type { DocumentDetail } from '../schema';
import { audit, inTenant, type AparDeps, type Caller } from './context';
import { loadDocument } from './documents';

/**
 * The address an invoice goes to: the customer's contact with role "billing" (oldest first), else
 * its first contact with an email, else the customer's own email; undefined when none has one.
 */
export async function billingAddress(
  trx: Parameters<typeof repo.listContacts>[0],
  t: string,
  customerId: number,
): Promise<string | undefined> {
  const contacts = (await repo.listContacts(trx, t, 'customer', [customerId])).filter((c) => c.email);
  const billing = contacts.find((c) => c.role?.toLowerCase() === 'billing') ?? contacts[0];
  if (billing?.email) return billing.email;
  return (await repo.findParty(trx, t, 'customer', customerId))?.email ?? undefined;
}

/**
 * POST …/invoices/{id}/send: mail the invoice to the customer's billing contact through the
 * outbox (template `invoice_sent`, with its portal link), mark it sent and note it on the
 * activity timeline, with its audit event, all in one transaction. A customer with no address
 * is a 422 on the customer's contacts, and nothing is written.
 */
export async function sendInvoice(deps: AparDeps, caller: Caller, id: number): Promise<DocumentDetail> {
  const org = await findOrganisationAsOwner(deps.db, caller.tenantId);
  if (!org) throw AparErrors.tenantNotFound(caller.tenantId);
  return inTenant(deps, caller, async (trx) => {
    const t = caller.tenantId;
    const doc = await repo.findDocument(trx, t, 'invoice', id, { forUpdate: true });
    if (!doc) throw AparErrors.documentNotFound('invoice', id);
    const customerId = Number(doc.party_id);
    const to = await billingAddress(trx, t, customerId);
    if (!to)
      throw new AppError(
        'APAR_NO_BILLING_EMAIL',
        422,
        `Customer ${customerId} has no email address to send the invoice to: add a contact with an email (role "billing")`,
        [{ path: 'customer.contacts', message: 'no contact with an email address', code: 'missing' }],
      );
    const before = await loadDocument(trx, t, 'invoice', id);
    await sql`update apar.documents set sent_at = now() where tenant_id = ${t} and kind = 'invoice' and id = ${id}`.execute(
      trx,
    );
    await mailInvoiceSent(trx, {
      to,
      organisation: org.name,
      invoiceNumber: before.number,
      amount: before.amount,
      balance: before.balance,
      currency: before.currency,
      dueDate: before.dueDate,
      path: `/portal/${org.slug}/invoices/${id}`,
    });
    await repo.insertActivity(trx, t, {
      partyKind: 'customer',
      partyId: customerId,
      docKind: 'invoice',
      docId: id,
      type: 'sent',
      text: `Invoice ${before.number} sent to ${to}`,
      promisedDate: null,
      promisedAmount: null,
      createdBy: caller.actor,
    });
    const after = await loadDocument(trx, t, 'invoice', id);
    await audit(trx, caller, {
      action: 'apar.invoice.send',
      entity: 'invoice',
      entityId: String(id),
      before: { sentAt: before.sentAt },
      after: { sentAt: after.sentAt, to },
    });
    return after;
  });
}
