import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** One applicable step of an instance, frozen at start (instances.steps). */
export interface FrozenStep {
  position: number;
  role: string;
  label: string;
  minAmount: string | null;
}

export interface PolicyTable {
  tenant_id: string;
  id: Generated<string>;
  key: string;
  version: number;
  subject_type: string;
  name: string;
  description: Generated<string>;
  distinct_approvers: Generated<boolean>;
  created_by: string;
  created_at: Timestamp;
}

export interface PolicyStepTable {
  tenant_id: string;
  policy_id: string;
  position: number;
  role: string;
  label: Generated<string>;
  min_amount: string | null;
}

export interface InstanceTable {
  tenant_id: string;
  id: Generated<string>;
  policy_id: string;
  policy_key: string;
  subject_type: string;
  subject_id: string;
  amount: string | null;
  status: Generated<'pending' | 'approved' | 'rejected' | 'cancelled'>;
  steps: ColumnType<FrozenStep[], string, string>;
  current_position: number | null;
  waiting_role: string | null;
  reason: string | null;
  started_by: string;
  created_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface DecisionTable {
  tenant_id: string;
  id: Generated<string>;
  instance_id: string;
  position: number;
  role: string;
  decision: 'approve' | 'reject';
  comment: Generated<string>;
  actor: string;
  actor_id: string | null;
  decided_at: Timestamp;
}

export type PolicyRow = Selectable<PolicyTable>;
export type PolicyStepRow = Selectable<PolicyStepTable>;
export type InstanceRow = Selectable<InstanceTable>;
export type NewInstance = Insertable<InstanceTable>;
export type DecisionRow = Selectable<DecisionTable>;

declare module '../core/database' {
  interface Database {
    'approvals.policies': PolicyTable;
    'approvals.policy_steps': PolicyStepTable;
    'approvals.instances': InstanceTable;
    'approvals.decisions': DecisionTable;
  }
}
