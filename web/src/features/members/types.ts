// The tenancy API's types come from the module's own zod schemas (type-only: nothing server-side is bundled).
import type { z } from 'zod';
import type { CreatedInvitation, Invitation as InvitationSchema, Member as MemberSchema, Role as RoleSchema } from '../../../../modules/tenancy/schema';

/** A member of the current organisation (GET /api/v1/tenants/{tid}/members). */
export type Member = z.infer<typeof MemberSchema>;
/** A role with its permission keys (GET /api/v1/roles). */
export type Role = z.infer<typeof RoleSchema>;
/** An invitation as listed (GET /api/v1/tenants/{tid}/invitations). */
export type Invitation = z.infer<typeof InvitationSchema>;
/** The answer to an invitation (with the token only in development). */
export type NewInvitation = z.infer<typeof CreatedInvitation>;
