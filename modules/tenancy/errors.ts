import { badRequest, conflict, notFound, type FieldError } from '../core/errors';

/** Stable codes of the tenancy module's expected failures. */
export const TenancyErrors = {
  /** Another tenant's organisation (or a mistyped id) is simply not found. */
  organisationNotFound: () => notFound('Organisation'),
  memberNotFound: () => notFound('Member'),
  invitationNotFound: () => notFound('Invitation'),
  lastAdmin: () => conflict('FIG_LAST_ADMIN', 'The organisation would have no admin left'),
  alreadyMember: (email: string) => conflict('FIG_ALREADY_MEMBER', `${email} is already a member of this organisation`),
  invalidRoles: (errors: FieldError[]) => badRequest(`${errors.length} invalid field(s)`, errors, 'FIG_VALIDATION'),
};
