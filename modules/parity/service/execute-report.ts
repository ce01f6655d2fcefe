import { withTenant } from '../../core/db';
import type { PlanDefinitionInput } from '../../engine/index';
import * as repo from '../repo';
import type { ParityReport, ReportSource } from '../schema';
import { toReport, type ParityDeps } from './context';

/**
 * Run a stored report to completion: replay, diff, store the outcome (or mark it failed with the
 * reason). Used inline by the API for small runs and by the `parity.run` job for large ones.
 */
export async function executeReport(
  deps: ParityDeps,
  tenantId: string,
  reportId: string,
  source: ReportSource,
  opts: { plan?: PlanDefinitionInput; planName?: string; signal?: AbortSignal } = {},
): Promise<ParityReport> {
  try {
    const outcome = await deps.runner.run(source, {
      legacyUrl: deps.config.LEGACY_URL,
      legacyPython: deps.config.LEGACY_PYTHON,
      plan: opts.plan,
      planName: opts.planName,
      signal: opts.signal,
    });
    const row = await withTenant(deps.db, tenantId, (trx) =>
      repo.saveOutcome(trx, tenantId, reportId, outcome),
    );
    deps.log.info(
      {
        reportId,
        employees: outcome.employees,
        mismatched: outcome.mismatched,
        gateA: outcome.gateA.passed,
        ms: outcome.durationMs,
      },
      'parity report done',
    );
    return toReport(row);
  } catch (err) {
    deps.log.warn({ reportId, err }, 'parity report failed');
    await withTenant(deps.db, tenantId, (trx) => repo.markFailed(trx, reportId, (err as Error).message));
    const row = await withTenant(deps.db, tenantId, (trx) => repo.findReport(trx, reportId));
    if (!row) throw err;
    return toReport(row);
  }
}
