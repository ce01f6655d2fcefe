import { z } from 'zod';
import {
  DocumentDetail,
  DocumentList,
  DocumentStatus,
  IsoDate,
  Payment,
  PaymentList,
  Statement,
} from '../schema';
import { PageCursor } from '../../core/pagination';

/**
 * Wire schemas of the client portal API (`/api/v1/portal/{slug}/...`, ADR 0027), shared by the
 * routes and the SPA's portal pages. Documents, payments and statements reuse the AP/AR shapes.
 */

export const PortalSlug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be an organisation slug');
export const PortalParams = z.object({ slug: PortalSlug });
export const PortalItemParams = z.object({
  slug: PortalSlug,
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 53 - 1),
});

export const LinkRequestBody = z.object({ email: z.email().max(200) });
export type LinkRequestBody = z.infer<typeof LinkRequestBody>;
/** The one answer to a link request, whether or not the address belongs to a contact. */
export const LinkRequested = z.object({ accepted: z.literal(true), message: z.string() });

export const SignInBody = z.object({ token: z.string().min(1).max(200) });
export type SignInBody = z.infer<typeof SignInBody>;

export const PortalOrganisation = z.object({ name: z.string(), slug: z.string() });
export const PortalProfile = z.object({
  organisation: PortalOrganisation,
  customer: z.object({ id: z.number(), name: z.string() }),
  email: z.string(),
});
export type PortalProfile = z.infer<typeof PortalProfile>;
export const PortalSession = PortalProfile.extend({ accessToken: z.string(), expiresIn: z.number() });
export type PortalSession = z.infer<typeof PortalSession>;

export const PortalListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: PageCursor.optional(),
  status: DocumentStatus.optional(),
});
export const PortalStatementQuery = z
  .object({ from: IsoDate, to: IsoDate })
  .refine((q) => q.to >= q.from, { path: ['to'], message: 'must not be before from' });

export { DocumentDetail, DocumentList, Payment, PaymentList, Statement };
export type { Document as PortalDocument, Payment as PortalPayment } from '../schema';
