import type { FastifyInstance } from 'fastify';
import { withTenant } from '../../core/db';
import { findPlanVersion, type PlanVersionForRun } from '../../plans/index';

/** Test helper: a plan version as the pipeline reads it. */
export async function loadDefinition(app: FastifyInstance, tenantId: string, planId: string): Promise<PlanVersionForRun> {
  const plan = await withTenant(app.db, tenantId, (trx) => findPlanVersion(trx, tenantId, planId));
  if (!plan) throw new Error(`no plan ${planId}`);
  return plan;
}
