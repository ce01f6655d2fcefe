import type { PortalDeps } from './service/context';
import { requestMagicLink } from './service/request-link';
import { redeemMagicLink } from './service/redeem-link';
import {
  getOwnDocument,
  getOwnPayment,
  getOwnStatement,
  getProfile,
  listOwnDocuments,
  listOwnPayments,
} from './service/read-account';
import { invoicePdf } from './invoice-pdf';
import { isPortalTokenRevoked, revokePortalAccess } from './service/revoke-access';
import type { PortalCaller } from './service/context';

export type { PortalDeps, PortalCaller } from './service/context';

/** The client portal's use cases bound to their dependencies (ADR 0027). */
export function createPortalService(deps: PortalDeps) {
  return {
    requestMagicLink: (slug: string, email: string, ip: string) => requestMagicLink(deps, slug, email, ip),
    redeemMagicLink: (slug: string, token: string, meta: { requestId: string; ip: string }) =>
      redeemMagicLink(deps, slug, token, meta),
    getProfile: (c: PortalCaller, slug: string) => getProfile(deps, c, slug),
    revokeAccess: (...a: Parameters<typeof revokePortalAccess> extends [unknown, ...infer R] ? R : never) =>
      revokePortalAccess(deps, ...a),
    isTokenRevoked: (...a: Parameters<typeof isPortalTokenRevoked> extends [unknown, ...infer R] ? R : never) =>
      isPortalTokenRevoked(deps, ...a),
    listDocuments: (...a: Parameters<typeof listOwnDocuments> extends [unknown, ...infer R] ? R : never) =>
      listOwnDocuments(deps, ...a),
    getDocument: (...a: Parameters<typeof getOwnDocument> extends [unknown, ...infer R] ? R : never) =>
      getOwnDocument(deps, ...a),
    listPayments: (...a: Parameters<typeof listOwnPayments> extends [unknown, ...infer R] ? R : never) =>
      listOwnPayments(deps, ...a),
    getPayment: (...a: Parameters<typeof getOwnPayment> extends [unknown, ...infer R] ? R : never) =>
      getOwnPayment(deps, ...a),
    getStatement: (...a: Parameters<typeof getOwnStatement> extends [unknown, ...infer R] ? R : never) =>
      getOwnStatement(deps, ...a),
    /** One of the customer's invoices as a PDF, with its number for the file name. */
    async invoicePdf(c: PortalCaller, slug: string, id: number): Promise<{ number: string; pdf: Buffer }> {
      const invoice = await getOwnDocument(deps, c, slug, 'invoice', id);
      const profile = await getProfile(deps, c, slug);
      const pdf = await invoicePdf(invoice, {
        organisation: profile.organisation.name,
        customer: profile.customer.name,
      });
      return { number: invoice.number, pdf };
    },
  };
}

export type PortalService = ReturnType<typeof createPortalService>;
