import { z } from 'zod';

/** Body of a platform grant or revoke: who, which platform role, and why (recorded). */
export const PlatformGrantBody = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email().max(320)),
    role: z.string().min(1).max(50),
    reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(2000),
  })
  .strict();
export type PlatformGrantBody = z.infer<typeof PlatformGrantBody>;

export const PlatformGrant = z.object({
  userId: z.string(),
  email: z.string(),
  role: z.string(),
  grantedBy: z.string(),
  reason: z.string(),
  createdAt: z.string(),
});
export const PlatformGrantList = z.object({ data: z.array(PlatformGrant) });

export const PlatformRoleEvent = z.object({
  id: z.string(),
  userId: z.string(),
  email: z.string(),
  role: z.string(),
  action: z.enum(['grant', 'revoke']),
  actor: z.string(),
  reason: z.string(),
  requestId: z.string().nullable(),
  createdAt: z.string(),
});
export const PlatformRoleEventList = z.object({ data: z.array(PlatformRoleEvent) });
export const PlatformRoleEventQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
