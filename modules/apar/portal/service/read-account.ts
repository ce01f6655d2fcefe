import type { DocumentDetail, Statement } from '../../schema';
import type { Document, Payment } from '../../schema';
import type { Listed } from '../../service';
import { AparErrors } from '../../errors';
import { aparCaller, portalOrganisation, type PortalCaller, type PortalDeps } from './context';
import { PortalErrors } from '../errors';
import * as repo from '../repo';
import { withTenant } from '../../../core/db';
import type { PortalProfile } from '../schema';

/*
 * What a signed-in customer contact may read: its own customer's invoices, credit notes,
 * payments and statement, through the AP/AR service with the customer fixed by the token (never
 * by the request). Another customer's document or payment is the same 404 as one that does not
 * exist, so ids cannot be probed.
 */

type PortalDocumentKind = 'invoice' | 'credit_note';

/** The portal of `slug` must be the token's organisation; another one is simply not there. */
export async function checkPortal(deps: PortalDeps, caller: PortalCaller, slug: string) {
  const org = await portalOrganisation(deps, slug);
  if (org.id !== caller.tenantId) throw PortalErrors.portalNotFound(slug);
  return org;
}

/** GET /portal/{slug}/me: who is signed in, for whom. */
export async function getProfile(
  deps: PortalDeps,
  caller: PortalCaller,
  slug: string,
): Promise<PortalProfile> {
  const org = await checkPortal(deps, caller, slug);
  const name = await withTenant(deps.db, caller.tenantId, (trx) =>
    repo.findCustomerName(trx, caller.tenantId, caller.customerId),
  );
  if (name === undefined) throw PortalErrors.portalNotFound(slug);
  return {
    organisation: { name: org.name, slug: org.slug },
    customer: { id: caller.customerId, name },
    email: caller.email,
  };
}

/** The customer's invoices or credit notes, newest numbers last (the AP/AR list order). */
export async function listOwnDocuments(
  deps: PortalDeps,
  caller: PortalCaller,
  slug: string,
  kind: PortalDocumentKind,
  status: 'open' | 'partial' | 'paid' | undefined,
  offset: number,
  limit: number,
): Promise<Listed<Document>> {
  await checkPortal(deps, caller, slug);
  return deps.apar.listDocuments(
    aparCaller(caller),
    kind,
    { partyId: caller.customerId, status },
    offset,
    limit,
  );
}

/** One of the customer's invoices or credit notes with lines and allocations, or 404. */
export async function getOwnDocument(
  deps: PortalDeps,
  caller: PortalCaller,
  slug: string,
  kind: PortalDocumentKind,
  id: number,
): Promise<DocumentDetail> {
  await checkPortal(deps, caller, slug);
  const doc = await deps.apar.getDocument(aparCaller(caller), kind, id);
  if (doc.partyId !== caller.customerId) throw AparErrors.documentNotFound(kind, id);
  return doc;
}

/** The customer's payments (received by the organisation), with their allocations. */
export async function listOwnPayments(
  deps: PortalDeps,
  caller: PortalCaller,
  slug: string,
  offset: number,
  limit: number,
): Promise<Listed<Payment>> {
  await checkPortal(deps, caller, slug);
  return deps.apar.listPayments(aparCaller(caller), 'received', caller.customerId, offset, limit);
}

/** One of the customer's payments, or 404. */
export async function getOwnPayment(
  deps: PortalDeps,
  caller: PortalCaller,
  slug: string,
  id: number,
): Promise<Payment> {
  await checkPortal(deps, caller, slug);
  const payment = await deps.apar.getPayment(aparCaller(caller), 'received', id);
  if (payment.partyId !== caller.customerId) throw AparErrors.paymentNotFound(id);
  return payment;
}

/** The customer's statement of account for a period. */
export async function getOwnStatement(
  deps: PortalDeps,
  caller: PortalCaller,
  slug: string,
  from: string,
  to: string,
): Promise<Statement> {
  await checkPortal(deps, caller, slug);
  return deps.apar.statement(aparCaller(caller), 'customer', caller.customerId, from, to);
}
