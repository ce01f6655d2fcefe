import { z } from 'zod';
import { PageQuery } from '../core/pagination';

/**
 * Wire schemas of the approvals API, shared by the gateway routes (zod type provider) and the SPA.
 * Amounts travel as decimal strings; ids are uuids.
 */

const Uuid = z.uuid();

/** Tenant roles a step can be held by (tenancy.roles, migration 0012). */
export const StepRole = z.enum(['manager', 'hr', 'finance', 'admin', 'auditor']);
export type StepRole = z.infer<typeof StepRole>;

/** numeric(38,10), non-negative: at most 28 integer digits and 10 decimals, no exponent. */
export const AmountString = z
  .string()
  .regex(/^\d{1,28}(\.\d{1,10})?$/, 'must be a non-negative decimal string with at most 28 integer digits and 10 decimals');

export const PolicyKey = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be lower-case letters, digits, _ . or - (at most 64)');
export const SubjectType = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower-case letters, digits or _ (at most 64)');

export const TenantParams = z.object({ tid: Uuid });
export const ApprovalParams = z.object({ tid: Uuid, id: Uuid });

// ---- policies ----------------------------------------------------------------------------------

export const PolicyStep = z.object({
  position: z.number().int(),
  role: StepRole,
  label: z.string(),
  /** The step applies only when the subject's amount is above this (null: always). */
  minAmount: z.string().nullable(),
});
export type PolicyStep = z.infer<typeof PolicyStep>;

export const Policy = z.object({
  id: Uuid,
  key: z.string(),
  version: z.number().int(),
  subjectType: z.string(),
  name: z.string(),
  description: z.string(),
  distinctApprovers: z.boolean(),
  steps: z.array(PolicyStep),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Policy = z.infer<typeof Policy>;
export const PolicyList = z.object({ data: z.array(Policy) });
export type PolicyList = z.infer<typeof PolicyList>;

export const CreatePolicyStep = z.object({
  role: StepRole,
  label: z.string().trim().max(200).default(''),
  minAmount: AmountString.nullish(),
});

/** A new policy, or a new version of the policy with this key (instances keep the version they started on). */
export const CreatePolicyBody = z.object({
  key: PolicyKey,
  subjectType: SubjectType,
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  distinctApprovers: z.boolean().default(true),
  steps: z
    .array(CreatePolicyStep)
    .min(1)
    .max(20)
    .refine((steps) => steps.some((s) => s.minAmount == null), 'needs at least one step without an amount threshold'),
});
export type CreatePolicyBody = z.infer<typeof CreatePolicyBody>;

// ---- instances ---------------------------------------------------------------------------------

export const Decision = z.object({
  position: z.number().int(),
  role: z.string(),
  decision: z.enum(['approve', 'reject']),
  comment: z.string(),
  actor: z.string(),
  actorId: z.string().nullable(),
  decidedAt: z.string(),
});
export type Decision = z.infer<typeof Decision>;

export const InstanceStatus = z.enum(['pending', 'approved', 'rejected', 'cancelled']);
export type InstanceStatus = z.infer<typeof InstanceStatus>;

export const CurrentStep = PolicyStep.extend({ of: z.number().int() });
export type CurrentStep = z.infer<typeof CurrentStep>;

export const ApprovalInstance = z.object({
  id: Uuid,
  policyId: Uuid,
  policyKey: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  amount: z.string().nullable(),
  status: InstanceStatus,
  /** The steps that apply to this subject (frozen at start), in order. */
  steps: z.array(PolicyStep),
  /** The step waiting for a decision; null once approved, rejected or cancelled. */
  currentStep: CurrentStep.nullable(),
  /** Every decision so far, oldest first. */
  history: z.array(Decision),
  /** Why it was rejected or cancelled. */
  reason: z.string().nullable(),
  startedBy: z.string(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});
export type ApprovalInstance = z.infer<typeof ApprovalInstance>;

export const ApprovalList = z.object({
  data: z.array(ApprovalInstance),
  total: z.number().int(),
  hasMore: z.boolean(),
  nextCursor: z.string().nullable(),
});
export type ApprovalList = z.infer<typeof ApprovalList>;

export const ApprovalListQuery = PageQuery.extend({
  /** 1: only instances waiting for a role the caller holds (and, under distinct approvers, not already decided by them). */
  mine: z.enum(['0', '1']).optional(),
  status: InstanceStatus.optional(),
  subjectType: SubjectType.optional(),
  subjectId: z.string().max(200).optional(),
});
export type ApprovalListQuery = z.infer<typeof ApprovalListQuery>;

/** Submit a subject for approval (its module must take submissions: an `onSubmit` hook). */
export const SubmitBody = z.object({
  subjectType: SubjectType,
  subjectId: z.string().min(1).max(200),
  /** Default: the subject type's default policy ('run' for runs). */
  policyKey: PolicyKey.optional(),
});
export type SubmitBody = z.infer<typeof SubmitBody>;

export const DecideBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().trim().max(2000).default(''),
    /** The step the caller saw (optional): a different current step is a 409, not a decision on the wrong step. */
    position: z.number().int().positive().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.decision === 'reject' && b.comment.length === 0)
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'a rejection needs a reason' });
  });
export type DecideBody = z.infer<typeof DecideBody>;
