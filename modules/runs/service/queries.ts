import { withTenant } from '../../core/db';
import * as repo from '../repo';
import type { RunResultWithInputs } from '../repo';
import type { RunRecord, ScenarioRecord, UploadRecord, UploadRowRecord } from '../tables';
import type { RunsDeps } from './context';

/** Reads of the runs domain, each in one tenant transaction. `find*` may return undefined. */

export type Page<T> = { rows: T[]; total: number };
export interface PageArgs {
  limit: number;
  offset: number;
}

export const listUploads = (deps: RunsDeps, tenantId: string, page: PageArgs): Promise<Page<UploadRecord>> =>
  withTenant(deps.db, tenantId, (trx) => repo.listUploads(trx, page.limit, page.offset));

export const findUpload = (deps: RunsDeps, tenantId: string, id: number): Promise<UploadRecord | undefined> =>
  withTenant(deps.db, tenantId, (trx) => repo.findUpload(trx, id));

/** An upload and one page of its rows (total: the upload's row count); undefined when no such upload. */
export const listUploadRows = (deps: RunsDeps, tenantId: string, id: number, page: PageArgs): Promise<{ upload: UploadRecord; rows: UploadRowRecord[] } | undefined> =>
  withTenant(deps.db, tenantId, async (trx) => {
    const upload = await repo.findUpload(trx, id);
    return upload ? { upload, rows: await repo.listUploadRows(trx, id, page) } : undefined;
  });

export const listRuns = (deps: RunsDeps, tenantId: string, page: PageArgs): Promise<Page<RunRecord>> =>
  withTenant(deps.db, tenantId, (trx) => repo.listRuns(trx, page.limit, page.offset));

export const findRun = (deps: RunsDeps, tenantId: string, id: number): Promise<RunRecord | undefined> =>
  withTenant(deps.db, tenantId, (trx) => repo.findRun(trx, id));

/** A run and its results with their inputs (one page, or all for an export); undefined when no such run. */
export const listRunResults = (deps: RunsDeps, tenantId: string, id: number, page?: PageArgs): Promise<{ run: RunRecord; results: RunResultWithInputs[] } | undefined> =>
  withTenant(deps.db, tenantId, async (trx) => {
    const run = await repo.findRun(trx, id);
    return run ? { run, results: await repo.listRunResults(trx, run, page) } : undefined;
  });

export interface ScenarioWithRun {
  scenario: ScenarioRecord;
  run: RunRecord;
}

export const listScenarios = (deps: RunsDeps, tenantId: string, page: PageArgs): Promise<Page<ScenarioWithRun>> =>
  withTenant(deps.db, tenantId, async (trx) => {
    const { rows, total } = await repo.listScenarios(trx, page.limit, page.offset);
    const out: ScenarioWithRun[] = [];
    for (const scenario of rows) out.push({ scenario, run: (await repo.findRun(trx, scenario.run_id))! });
    return { rows: out, total };
  });

export const findScenario = (deps: RunsDeps, tenantId: string, id: number): Promise<ScenarioWithRun | undefined> =>
  withTenant(deps.db, tenantId, async (trx) => {
    const scenario = await repo.findScenario(trx, id);
    return scenario ? { scenario, run: (await repo.findRun(trx, scenario.run_id))! } : undefined;
  });

/** Two scenarios and each one's payout per employee; undefined when either does not exist. */
export const compareScenarios = (deps: RunsDeps, tenantId: string, baseId: number, otherId: number) =>
  withTenant(deps.db, tenantId, async (trx) => {
    const base = await repo.findScenario(trx, baseId);
    const other = base && (await repo.findScenario(trx, otherId));
    if (!base || !other) return { missing: true as const };
    const [baseRun, otherRun] = [(await repo.findRun(trx, base.run_id))!, (await repo.findRun(trx, other.run_id))!];
    return {
      missing: false as const,
      base: { scenario: base, run: baseRun, payouts: await repo.runPayouts(trx, base.run_id) },
      other: { scenario: other, run: otherRun, payouts: await repo.runPayouts(trx, other.run_id) },
    };
  });
