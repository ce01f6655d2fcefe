import type { PlanDefinitionInput, Problem } from '../engine/index';
import type { InputCatalogItem, Plan, PlanProblem, PlanSummary, Pool, Step } from './schema';
import type { BonusPlanRow, InputCatalogRow, PlanConstantRow, PlanInputRow, PlanPoolRow, PlanStepRow } from './tables';

/** Row → wire shapes. Timestamps as ISO strings, decimals as the strings Postgres returned. */

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** numeric(38,10) text → canonical decimal ("1000.5000000000" → "1000.5"). */
export function canonicalNumeric(text: string): string {
  if (!text.includes('.')) return text;
  const t = text.replace(/0+$/, '').replace(/\.$/, '');
  return t === '-0' ? '0' : t;
}

export function toCatalogItem(r: InputCatalogRow): InputCatalogItem {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    key: r.key,
    label: r.label,
    type: r.type,
    description: r.description,
    unit: r.unit,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
  };
}

export function toStep(r: PlanStepRow): Step {
  return {
    id: r.id,
    key: r.key,
    output: r.output,
    expr: r.expr,
    conditionExpr: r.condition_expr,
    default: r.default_value,
    description: r.description,
    position: r.position,
  };
}

export function toPool(r: PlanPoolRow): Pool {
  return {
    id: r.id,
    name: r.name,
    amount: canonicalNumeric(r.amount),
    column: r.column,
    output: r.output,
    idColumn: r.id_column,
    description: r.description,
  };
}

function planBase(p: BonusPlanRow) {
  return {
    id: p.id,
    tenantId: p.tenant_id,
    familyId: p.family_id,
    parentId: p.parent_id,
    name: p.name,
    description: p.description,
    version: p.version,
    status: p.status,
    catalogVersion: p.catalog_version,
    createdBy: p.created_by,
    createdAt: iso(p.created_at) as string,
    updatedAt: iso(p.updated_at) as string,
    lockedAt: iso(p.locked_at),
    lockedBy: p.locked_by,
  };
}

export function toPlanSummary(p: BonusPlanRow & { step_count: string | number }): PlanSummary {
  return { ...planBase(p), stepCount: Number(p.step_count) };
}

/** Everything stored about one plan. */
export interface PlanBundle {
  plan: BonusPlanRow;
  inputs: PlanInputRow[];
  constants: PlanConstantRow[];
  steps: PlanStepRow[];
  pools: PlanPoolRow[];
}

export function toPlan(b: PlanBundle): Plan {
  return {
    ...planBase(b.plan),
    inputs: b.inputs.map((i) => ({ name: i.name, description: i.description })),
    constants: b.constants.map((c) => ({ name: c.name, value: c.value, description: c.description })),
    steps: b.steps.map(toStep),
    pools: b.pools.map(toPool),
  };
}

/** The plan as the engine reads it: steps in their authored order. */
export function toDefinition(b: PlanBundle): PlanDefinitionInput {
  return {
    catalog_version: b.plan.catalog_version as PlanDefinitionInput['catalog_version'],
    inputs: b.inputs.map((i) => ({ name: i.name, description: i.description })),
    constants: b.constants.map((c) => ({ name: c.name, value: c.value, description: c.description })),
    steps: b.steps.map((s) => ({
      key: s.key,
      output: s.output,
      expr: s.expr,
      condition_expr: s.condition_expr,
      default: s.default_value,
      description: s.description,
    })),
  };
}

/** An engine problem on the wire. */
export function toPlanProblem(p: Problem): PlanProblem {
  return {
    code: p.code,
    stepKey: p.step ?? null,
    field: p.field ?? null,
    line: p.line ?? null,
    column: p.column ?? null,
    message: p.message,
    excerpt: p.excerpt ?? null,
  };
}
