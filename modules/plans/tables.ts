import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface InputCatalogTable {
  id: Generated<string>;
  tenant_id: string;
  key: string;
  label: string;
  type: Generated<'decimal' | 'money' | 'percent' | 'integer'>;
  description: Generated<string>;
  unit: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BonusPlanTable {
  id: Generated<string>;
  tenant_id: string;
  family_id: string;
  parent_id: string | null;
  name: string;
  description: Generated<string>;
  version: Generated<number>;
  status: Generated<'draft' | 'locked'>;
  catalog_version: number;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  locked_at: Date | null;
  locked_by: string | null;
}

export interface PlanInputTable {
  id: Generated<string>;
  tenant_id: string;
  plan_id: string;
  position: number;
  name: string;
  description: Generated<string>;
}

export interface PlanConstantTable {
  id: Generated<string>;
  tenant_id: string;
  plan_id: string;
  position: number;
  name: string;
  value: string;
  description: Generated<string>;
}

export interface PlanStepTable {
  id: Generated<string>;
  tenant_id: string;
  plan_id: string;
  position: number;
  key: string;
  output: string;
  expr: string;
  condition_expr: string | null;
  default_value: Generated<string>;
  description: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PlanPoolTable {
  id: Generated<string>;
  tenant_id: string;
  plan_id: string;
  name: string;
  /** numeric(38,10): pg returns a string. */
  amount: string;
  column: string;
  output: Generated<string>;
  id_column: Generated<string>;
  description: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

declare module '../core/database' {
  interface Database {
    'comp.input_catalog': InputCatalogTable;
    'comp.bonus_plans': BonusPlanTable;
    'comp.plan_inputs': PlanInputTable;
    'comp.plan_constants': PlanConstantTable;
    'comp.plan_steps': PlanStepTable;
    'comp.plan_pools': PlanPoolTable;
  }
}

export type InputCatalogRow = Selectable<InputCatalogTable>;
export type BonusPlanRow = Selectable<BonusPlanTable>;
export type NewBonusPlan = Insertable<BonusPlanTable>;
export type BonusPlanUpdate = Updateable<BonusPlanTable>;
export type PlanInputRow = Selectable<PlanInputTable>;
export type PlanConstantRow = Selectable<PlanConstantTable>;
export type PlanStepRow = Selectable<PlanStepTable>;
export type PlanStepUpdate = Updateable<PlanStepTable>;
export type PlanPoolRow = Selectable<PlanPoolTable>;
export type PlanPoolUpdate = Updateable<PlanPoolTable>;
