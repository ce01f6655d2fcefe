import { badRequest, conflict, notFound, type FieldError } from '../core/errors';

/** Stable codes of the tenancy module's expected failures. */
export const TenancyErrors = {
  /** Another tenant's organisation (or a mistyped id) is simply not found. */
  organisationNotFound: () => notFound('Organisation'),
  memberNotFound: () => notFound('Member'),
  invitationNotFound: () => notFound('Invitation'),
  lastAdmin: () => conflict('FIG_LAST_ADMIN', 'The organisation would have no admin left'),
  alreadyMember: (email: string) => conflict('FIG_ALREADY_MEMBER', `${email} is already a member of this organisation`),
  alreadySuspended: (name: string) => conflict('FIG_TENANT_ALREADY_SUSPENDED', `${name} is already suspended`),
  notSuspended: (name: string) => conflict('FIG_TENANT_NOT_SUSPENDED', `${name} is not suspended`),
  invalidRoles: (errors: FieldError[]) => badRequest(`${errors.length} invalid field(s)`, errors, 'FIG_VALIDATION'),
};
