import type { RunResultWithInputs } from '../repo';
import type { ScenarioWithRun } from '../service/queries';
import type { RunRecord, UploadRecord, UploadRowRecord } from '../tables';
import { LEGACY_OUTPUTS, POOL_OUTPUT } from '../compute';
import { NUMERIC_COLUMNS } from './employee-csv';
import { legacyTime } from './respond';

/** Domain records in legacy's JSON shapes (routers/bonus.py response models), field for field. */

export const uploadWire = (u: UploadRecord) => ({
  id: u.id,
  filename: u.filename,
  row_count: u.row_count,
  sha256: u.sha256,
  created_at: legacyTime(u.created_at),
});

const inputsWire = (inputs: Record<string, string>) => Object.fromEntries(NUMERIC_COLUMNS.map((c) => [c, inputs[c] ?? '0']));

export const uploadRowWire = (r: Pick<UploadRowRecord, 'row_no' | 'employee_id' | 'name' | 'department' | 'inputs'>) => ({
  row_no: r.row_no,
  employee_id: r.employee_id,
  name: r.name,
  department: r.department,
  ...inputsWire(r.inputs),
});

/** Bands in legacy's key order (jsonb keeps keys sorted its own way). */
const bandsWire = (bands: RunRecord['bands']) => (bands ?? []).map((b) => ({ min_revenue: b.min_revenue, multiplier: b.multiplier }));

export const batchWire = (b: RunRecord) => ({
  id: b.id,
  upload_id: b.upload_id,
  scenario_name: b.name,
  pool_amount: b.pool_amount,
  pool_applied: b.pool_applied,
  band_version: b.band_version,
  bands: bandsWire(b.bands),
  status: b.status,
  employee_count: b.employee_count,
  total_bonus: b.total_bonus ?? '0',
  total_pool_bonus: b.total_pool_bonus,
  created_at: legacyTime(b.created_at),
});

export const batchResultWire = (r: RunResultWithInputs) => ({
  ...uploadRowWire(r),
  ...Object.fromEntries(LEGACY_OUTPUTS.map((o) => [o, r.outputs[o] ?? '0'])),
  pool_bonus: r.outputs[POOL_OUTPUT] ?? null,
});

export const scenarioWire = ({ scenario, run }: ScenarioWithRun) => ({
  id: scenario.id,
  name: scenario.name,
  upload_id: scenario.upload_id,
  batch_id: scenario.run_id,
  pool_amount: run.pool_amount,
  band_version: run.band_version,
  bands: bandsWire(run.bands),
  employee_count: run.employee_count,
  total_bonus: run.total_bonus ?? '0',
  total_pool_bonus: run.total_pool_bonus,
  created_at: legacyTime(scenario.created_at),
});

/** export.csv columns, in legacy's order. */
export const EXPORT_COLUMNS = ['employee_id', 'name', 'department', ...NUMERIC_COLUMNS, ...LEGACY_OUTPUTS, POOL_OUTPUT] as const;

export const exportCells = (r: RunResultWithInputs): string[] => {
  const wire = batchResultWire(r) as Record<string, string | number | null>;
  return EXPORT_COLUMNS.map((c) => (wire[c] === null || wire[c] === undefined ? '' : String(wire[c])));
};
