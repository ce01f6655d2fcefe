import { withTenant, type Db } from '../../core/db';
import { notFound } from '../../core/errors';
import type { ParityTape } from '../outcome';
import * as repo from '../repo';
import type { EmployeeDrillDown } from '../schema';
import { toMismatch } from './context';

/**
 * One employee of a report: both tapes side by side, step by step, and the first step that
 * differs (in the given batch, else the first batch the employee mismatched in).
 */
export async function getEmployeeMismatches(db: Db, tenantId: string, id: string, employeeId: string, batchIdWanted?: string): Promise<EmployeeDrillDown> {
  const rows = await withTenant(db, tenantId, async (trx) => {
    if (!(await repo.findReport(trx, id))) throw notFound('Parity report', id);
    return repo.employeeMismatches(trx, id, employeeId);
  });
  const batchIds = [...new Set(rows.map((m) => m.batch_id ?? ''))];
  const batchId = batchIdWanted ?? batchIds[0];
  const mine = rows.filter((m) => (m.batch_id ?? '') === batchId);
  const first = mine[0];
  if (!first) throw notFound(`Mismatch of employee ${employeeId} in parity report`, id);
  const legacyTape = first.legacy_tape as ParityTape;
  const newTape = first.new_tape as ParityTape;
  const steps = legacyTape.steps.map((s, i) => {
    const n = newTape.steps[i]?.value ?? null;
    return {
      key: s.key,
      output: s.output,
      legacy: s.value,
      new: n,
      differs: mine.some((m) => m.output === s.output),
      first: s.key === first.first_diff_step,
    };
  });
  if (legacyTape.pool_bonus !== undefined || newTape.pool_bonus !== undefined) {
    steps.push({
      key: 'pool',
      output: 'pool_bonus',
      legacy: legacyTape.pool_bonus ?? null,
      new: newTape.pool_bonus ?? null,
      differs: mine.some((m) => m.output === 'pool_bonus'),
      first: first.first_diff_step === 'pool',
    });
  }
  return {
    employeeId,
    batchId: first.batch_id,
    otherBatches: batchIds.filter((b) => b !== batchId),
    firstDiffStep: first.first_diff_step,
    mismatches: mine.map(toMismatch),
    steps,
    inputs: legacyTape.inputs,
    legacyTape,
    newTape,
  };
}
