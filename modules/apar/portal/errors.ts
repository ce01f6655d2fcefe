import { AppError, notFound } from '../../core/errors';

/** Stable codes of the client portal's expected failures. */
export const PortalErrors = {
  /** Unknown slug, or a token of another organisation: the portal is simply not there. */
  portalNotFound: (slug: string) => notFound('Portal', slug),
  /** One answer for a forged, unknown, used or expired link: nothing tells them apart. */
  linkInvalid: () =>
    new AppError(
      'PORTAL_LINK_INVALID',
      401,
      'This sign-in link is not valid any more (it works once, within 15 minutes): ask for a new one',
    ),
  /** The customer's portal access was revoked after this token was issued. */
  revoked: () =>
    new AppError('PORTAL_ACCESS_REVOKED', 401, 'Portal access was revoked: ask for a new sign-in link'),
  rateLimited: (seconds: number) =>
    new AppError('FIG_RATE_LIMITED', 429, `Too many sign-in links asked for: retry in ${seconds} s`),
};
