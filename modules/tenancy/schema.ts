import { z } from 'zod';

export const TenantParams = z.object({ tid: z.uuid() });
export const MemberParams = z.object({ tid: z.uuid(), userId: z.uuid() });
export const InvitationParams = z.object({ tid: z.uuid(), id: z.uuid() });

export const RoleKeys = z.array(z.string().min(1).max(50)).max(20);

export const Role = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  scope: z.enum(['tenant', 'platform']),
  permissions: z.array(z.string()),
});
export const RoleList = z.array(Role);

export const Member = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled']),
  roles: z.array(z.string()),
  createdAt: z.string(),
});
export type Member = z.infer<typeof Member>;
export const MemberPage = z.object({
  data: z.array(Member),
  total: z.number().int(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});

export const SetRolesBody = z.object({ roles: RoleKeys });

export const CreateInvitationBody = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email().max(320)),
  roles: RoleKeys.min(1),
});
export const CreatedInvitation = z.object({
  id: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
  expiresAt: z.string(),
  token: z.string().optional(),
});
export type CreatedInvitation = z.infer<typeof CreatedInvitation>;
export const Invitation = z.object({
  id: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  invitedBy: z.string(),
  expiresAt: z.string(),
  createdAt: z.string(),
  acceptedAt: z.string().nullable(),
});
export type Invitation = z.infer<typeof Invitation>;
export const InvitationPage = z.object({
  data: z.array(Invitation),
  total: z.number().int(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});

/** An organisation as the platform (ops) sees it. */
export const PlatformOrganisation = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  status: z.enum(['active', 'suspended']),
  createdAt: z.string(),
  suspendedAt: z.string().nullable(),
  suspendedReason: z.string().nullable(),
});
export type PlatformOrganisation = z.infer<typeof PlatformOrganisation>;
export const PlatformOrganisationPage = z.object({
  data: z.array(PlatformOrganisation),
  total: z.number().int(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});
export const PlatformOrganisationQuery = z.object({
  status: z.enum(['active', 'suspended']).optional(),
  search: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export const CreateTenantBody = z.object({
  name: z.string().trim().min(1).max(200),
  adminEmail: z.email().max(320).transform((e) => e.toLowerCase()),
});
export const CreatedTenant = z.object({ organisation: PlatformOrganisation, invitation: CreatedInvitation });
export const SuspendBody = z.object({ reason: z.string().trim().min(3).max(500) });
export const ReactivateBody = z.object({ reason: z.string().trim().min(3).max(500) });
export const OrganisationRefParams = z.object({ ref: z.string().min(1).max(100) });

/** An organisation's security settings (MFA requirement and the roles it applies to). */
export const SecuritySettings = z.object({ mfaRequired: z.boolean(), mfaRoles: z.array(z.string()) });
export type SecuritySettings = z.infer<typeof SecuritySettings>;
export const UpdateSecuritySettingsBody = z.object({ mfaRequired: z.boolean() });
