import { canonicalDecimal } from '../core/decimal';
import type { ApprovalInstance, Decision, Policy, PolicyStep } from './schema';
import type { DecisionRow, FrozenStep, InstanceRow, PolicyRow, PolicyStepRow } from './tables';

const iso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
const amount = (v: string | null): string | null => (v === null ? null : canonicalDecimal(v));

export function toPolicyStep(s: PolicyStepRow): PolicyStep {
  return { position: s.position, role: s.role as PolicyStep['role'], label: s.label, minAmount: amount(s.min_amount) };
}

export function toPolicy(row: PolicyRow, steps: PolicyStepRow[]): Policy {
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    subjectType: row.subject_type,
    name: row.name,
    description: row.description,
    distinctApprovers: row.distinct_approvers,
    steps: steps.filter((s) => s.policy_id === row.id).map(toPolicyStep),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
  };
}

export function toDecision(d: DecisionRow): Decision {
  return {
    position: d.position,
    role: d.role,
    decision: d.decision,
    comment: d.comment,
    actor: d.actor,
    actorId: d.actor_id,
    decidedAt: iso(d.decided_at),
  };
}

/** The step waiting for a decision, or null when the instance is no longer pending. */
export function currentStepOf(row: InstanceRow): ApprovalInstance['currentStep'] {
  if (row.status !== 'pending' || row.current_position === null) return null;
  const step = row.steps[row.current_position - 1] as FrozenStep | undefined;
  if (!step) return null;
  return { ...step, role: step.role as PolicyStep['role'], of: row.steps.length };
}

export function toInstance(row: InstanceRow, decisions: DecisionRow[]): ApprovalInstance {
  return {
    id: row.id,
    policyId: row.policy_id,
    policyKey: row.policy_key,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    amount: amount(row.amount),
    status: row.status,
    steps: row.steps.map((s) => ({ ...s, role: s.role as PolicyStep['role'] })),
    currentStep: currentStepOf(row),
    history: decisions.filter((d) => d.instance_id === row.id).map(toDecision),
    reason: row.reason,
    startedBy: row.started_by,
    createdAt: iso(row.created_at),
    completedAt: row.completed_at === null ? null : iso(row.completed_at),
  };
}
