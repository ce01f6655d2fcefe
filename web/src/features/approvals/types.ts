// The approvals API's types come from the module's own zod schemas (type-only: nothing server-side is bundled).
export type { ApprovalInstance, ApprovalList, CurrentStep, Decision, Policy, PolicyStep } from '../../../../modules/approvals/schema';
