import type { ModuleRequest, ModuleResponse } from '../../core/module';
import { compareDecimals } from '../../core/decimal';
import type { BandRow } from '../tables';
import { JsonBodyError, JsonDecodeError, parseExactJson, type ExactJson } from './exact-json';
import { decimalField, intField, listField, MISSING, modelInput, Problems, strField, type Field, type Loc } from './pydantic';
import { EMPLOYEE_COLUMNS, NUMERIC_COLUMNS } from './employee-csv';
import { detail, legacyError } from './respond';

/**
 * legacy's JSON request models (routers/bonus.py: Band, BandTableIn, EmployeeIn, CalculateIn,
 * BatchIn, ScenarioIn) as FastAPI 0.92 / pydantic 1.10 read them: the body parsed with exact
 * decimals, then every field checked in model order, every problem reported.
 */

const get = (obj: Record<string, ExactJson>, key: string): Field => (Object.hasOwn(obj, key) ? (obj[key] as ExactJson) : MISSING);

/** The JSON body as FastAPI reads it: a 422 for bad JSON, a 400 for a body it cannot read at all. */
export function readJsonBody(req: ModuleRequest): { value: Field } | { error: ModuleResponse } {
  const bytes = req.body;
  if (!bytes || bytes.length === 0) return { value: MISSING };
  const ct = req.headers['content-type'];
  const type = (Array.isArray(ct) ? ct[0] : ct)?.split(';')[0]?.trim().toLowerCase();
  const isJson = type === undefined || type === '' || type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
  if (!isJson) return { value: bytes.toString('latin1') === '' ? MISSING : '\u0000bytes' };
  try {
    return { value: parseExactJson(bytes) };
  } catch (err) {
    if (err instanceof JsonDecodeError) {
      // pydantic puts a non-pydantic exception's attributes in ctx: here the JSONDecodeError's.
      const ctx = { msg: err.msg, doc: err.doc, pos: err.pos, lineno: err.lineno, colno: err.colno };
      return { error: detail([{ loc: ['body', err.pos], msg: err.message, type: 'value_error.jsondecode', ctx }]) };
    }
    if (err instanceof JsonBodyError || err instanceof RangeError) return { error: legacyError(400, 'There was an error parsing the body') };
    throw err;
  }
}

/** The request model itself: a missing or null body is "field required" at ["body"]. */
function model(value: Field, p: Problems): Record<string, ExactJson> | undefined {
  if (value === MISSING || value === null) return p.add(['body'], 'field required', 'value_error.missing');
  if (value === '\u0000bytes') return p.add(['body'], 'value is not a valid dict', 'type_error.dict');
  return modelInput(value, ['body'], p);
}

/** conlist(Band, min_items=1, max_items=20) with legacy's order check; null when absent/None and optional. */
function bandsField(v: Field, loc: Loc, p: Problems, optional: boolean): BandRow[] | null | undefined {
  if (v === MISSING && optional) return null;
  if (v === null && optional) {
    // pydantic runs the order validator on an explicit null: legacy answers its TypeError.
    return p.add(loc, "'NoneType' object is not subscriptable", 'type_error');
  }
  const list = listField(v, loc, p, { min: 1, max: 20 });
  if (list === undefined) return undefined;
  const before = p.list.length;
  const bands: BandRow[] = [];
  list.forEach((item, i) => {
    const obj = modelInput(item, [...loc, i], p);
    if (!obj) return;
    const min = decimalField(get(obj, 'min_revenue'), [...loc, i, 'min_revenue'], p);
    const mult = decimalField(get(obj, 'multiplier'), [...loc, i, 'multiplier'], p, { nonNegative: true });
    if (min != null && mult != null) bands.push({ min_revenue: min, multiplier: mult });
  });
  if (p.list.length > before) return undefined;
  if (compareDecimals(bands[0]!.min_revenue, '0') !== 0) return p.add(loc, 'the first band must start at min_revenue 0', 'value_error');
  for (let i = 1; i < bands.length; i++) {
    if (compareDecimals(bands[i]!.min_revenue, bands[i - 1]!.min_revenue) <= 0) return p.add(loc, 'min_revenue must be strictly ascending', 'value_error');
  }
  return bands;
}

const poolField = (obj: Record<string, ExactJson>, p: Problems) => decimalField(get(obj, 'pool_amount'), ['body', 'pool_amount'], p, { optional: true, nonNegative: true });

type Checked<T> = { value: T } | { error: ModuleResponse };
const done = <T>(p: Problems, value: () => T): Checked<T> => (p.any ? { error: detail(p.list) } : { value: value() });

/** PUT /api/v1/admin/revenue-bands: {bands}. */
export function checkBandTable(body: Field): Checked<BandRow[]> {
  const p = new Problems();
  const obj = model(body, p);
  const bands = obj ? bandsField(get(obj, 'bands'), ['body', 'bands'], p, false) : undefined;
  return done(p, () => bands as BandRow[]);
}

export interface CalculateBody {
  rows: Record<string, string>[];
  pool: string | null;
  bands: BandRow[] | null;
}

/** POST /api/v1/calculate: {employees: EmployeeIn[] (≤ 200,000), pool_amount?, bands?}. */
export function checkCalculate(body: Field): Checked<CalculateBody> {
  const p = new Problems();
  const obj = model(body, p);
  if (!obj) return { error: detail(p.list) };
  const rows: Record<string, string>[] = [];
  const list = listField(get(obj, 'employees'), ['body', 'employees'], p, { max: 200_000 });
  if (get(obj, 'employees') === null) p.add(['body', 'employees'], 'none is not an allowed value', 'type_error.none.not_allowed');
  list?.forEach((item, i) => {
    const e = modelInput(item, ['body', 'employees', i], p);
    if (!e) return;
    const row: Record<string, string> = {};
    const id = strField(get(e, 'employee_id'), ['body', 'employees', i, 'employee_id'], p, { min: 1, max: 200 });
    strField(get(e, 'name'), ['body', 'employees', i, 'name'], p, { optional: true });
    strField(get(e, 'department'), ['body', 'employees', i, 'department'], p, { optional: true });
    for (const name of NUMERIC_COLUMNS) {
      const v = decimalField(get(e, name), ['body', 'employees', i, name], p, { nonNegative: name === 'base_salary' || name === 'target_pct' });
      if (v != null) row[name] = v;
    }
    if (id != null) row.employee_id = id;
    rows.push(row);
  });
  const pool = poolField(obj, p);
  const bands = bandsField(get(obj, 'bands'), ['body', 'bands'], p, true);
  return done(p, () => ({ rows, pool: pool ?? null, bands: bands ?? null }));
}

export interface BatchBody {
  uploadId: bigint;
  pool: string | null;
  name: string | null;
}

/** POST /api/v1/batches: {upload_id, pool_amount?, scenario_name? (≤ 200)}. */
export function checkBatch(body: Field): Checked<BatchBody> {
  const p = new Problems();
  const obj = model(body, p);
  if (!obj) return { error: detail(p.list) };
  const uploadId = intField(get(obj, 'upload_id'), ['body', 'upload_id'], p);
  const pool = poolField(obj, p);
  const name = strField(get(obj, 'scenario_name'), ['body', 'scenario_name'], p, { optional: true, max: 200 });
  return done(p, () => ({ uploadId: uploadId as bigint, pool: pool ?? null, name: name ?? null }));
}

export interface ScenarioBody {
  uploadId: bigint;
  name: string;
  pool: string | null;
  bands: BandRow[] | null;
}

/** POST /api/v1/scenarios: {upload_id, name (1–200), pool_amount?, bands?}. */
export function checkScenario(body: Field): Checked<ScenarioBody> {
  const p = new Problems();
  const obj = model(body, p);
  if (!obj) return { error: detail(p.list) };
  const uploadId = intField(get(obj, 'upload_id'), ['body', 'upload_id'], p);
  const name = strField(get(obj, 'name'), ['body', 'name'], p, { min: 1, max: 200 });
  const pool = poolField(obj, p);
  const bands = bandsField(get(obj, 'bands'), ['body', 'bands'], p, true);
  return done(p, () => ({ uploadId: uploadId as bigint, name: name as string, pool: pool ?? null, bands: bands ?? null }));
}

export { EMPLOYEE_COLUMNS };
