import { sql } from 'kysely';
import type { Trx } from '../../core/db';

/** One plan input as validated: the column feeding it (null: unmapped) and its range rule. */
export interface InputSpec {
  input: string;
  col: string | null;
  /** money: ≥ 0; percent: a fraction between -1 and 1; decimal: any number. */
  rule: 'money' | 'percent' | 'decimal';
}

/**
 * Apply a mapping to every row of an upload in one statement: identity columns trimmed, inputs
 * as canonical decimal text (storage.to_decimal); cells that are not numbers are left out.
 */
export async function applyMapping(
  trx: Trx,
  uploadId: number,
  identity: { employee_id: string | null; name: string | null; department: string | null },
  specs: InputSpec[],
) {
  const inputMap = JSON.stringify(
    Object.fromEntries(specs.filter((s) => s.col !== null).map((s) => [s.input, s.col])),
  );
  await sql`
    update runs.upload_rows r set
      employee_id = coalesce(btrim(r.fields ->> ${identity.employee_id}::text), ''),
      name        = coalesce(btrim(r.fields ->> ${identity.name}::text), ''),
      department  = coalesce(btrim(r.fields ->> ${identity.department}::text), ''),
      inputs = coalesce((
        select jsonb_object_agg(x.input, x.value)
        from (select m.key as input, storage.to_decimal(r.fields ->> m.value) as value from jsonb_each_text(${inputMap}::jsonb) m) x
        where x.value is not null
      ), '{}'::jsonb)
    where r.upload_id = ${uploadId}
  `.execute(trx);
}

/**
 * Rebuild the upload's validation report from its mapped rows (after applyMapping: a cell is a
 * number exactly when its input is in `inputs`, so no cell is parsed twice): missing required values, cells
 * that are not numbers, values out of range, duplicate employee ids (every later occurrence),
 * and plan inputs no column feeds (reported on the header row). Returns the problem count.
 */
export async function rebuildProblems(
  trx: Trx,
  tenantId: string,
  uploadId: number,
  employeeCol: string | null,
  specs: InputSpec[],
): Promise<number> {
  await trx.deleteFrom('storage.upload_problems').where('upload_id', '=', uploadId).execute();
  const mapped = JSON.stringify(specs.filter((s) => s.col !== null));
  const unmapped = JSON.stringify(specs.filter((s) => s.col === null));
  const res = await sql<{ n: string }>`
    with p as (
      select r.row_no, 0 as ord, ${employeeCol}::text as column_name, 'employee_id' as target, r.fields ->> ${employeeCol}::text as value,
             'missing_required' as code, 'The employee id is empty' as message,
             'Fill in the employee id; every row needs one to be paid' as hint
      from runs.upload_rows r
      where r.upload_id = ${uploadId} and r.employee_id = '' and ${employeeCol}::text is not null
      union all
      select d.row_no, 1, ${employeeCol}::text, 'employee_id', d.employee_id, 'duplicate_employee_id',
             format('Employee id %s is also on row %s', d.employee_id, d.first_row),
             'Each employee must appear once: remove or merge the duplicate rows'
      from (select row_no, employee_id, min(row_no) over (partition by employee_id) as first_row
            from runs.upload_rows where upload_id = ${uploadId} and employee_id <> '') d
      where d.row_no > d.first_row
      union all
      select r.row_no, 2, s.col, s.input, r.fields ->> s.col,
             case when btrim(coalesce(r.fields ->> s.col, '')) = '' then 'missing_required'
                  when not (r.inputs ? s.input) then 'not_a_number'
                  else 'out_of_range' end,
             case when btrim(coalesce(r.fields ->> s.col, '')) = '' then format('%s is empty', s.col)
                  when not (r.inputs ? s.input) then format('%s is not a number', s.col)
                  when s.rule = 'money' then format('%s must not be negative', s.col)
                  else format('%s must be a fraction between -1 and 1', s.col) end,
             case when btrim(coalesce(r.fields ->> s.col, '')) = '' then format('Fill in %s (input %s) for this employee', s.col, s.input)
                  when not (r.inputs ? s.input) then 'Write a plain number such as 1234.50 (currency signs, thousands separators and % are accepted)'
                  when s.rule = 'money' then 'Amounts are zero or more; check the sign'
                  else 'Percentages are fractions: write 10% or 0.10, not 10' end
      from jsonb_to_recordset(${mapped}::jsonb) s(input text, col text, rule text)
      join runs.upload_rows r on r.upload_id = ${uploadId}
      where not (r.inputs ? s.input)
         or (s.rule = 'money' and (r.inputs ->> s.input)::numeric < 0)
         or (s.rule = 'percent' and abs((r.inputs ->> s.input)::numeric) > 1)
      union all
      select 1, 3, null, s.input, null, 'missing_required', format('No column is mapped to the plan input %s', s.input),
             format('Map the column that holds %s, or add it to the file', s.input)
      from jsonb_to_recordset(${unmapped}::jsonb) s(input text, col text, rule text)
      union all
      select 1, 3, null, 'employee_id', null, 'missing_required', 'No column is mapped to employee_id', 'Map the column that identifies each employee'
      where ${employeeCol}::text is null
    ), ins as (
      insert into storage.upload_problems (upload_id, tenant_id, seq, row_no, column_name, target, value, code, message, hint)
      select ${uploadId}, ${tenantId}::uuid, row_number() over (order by p.row_no, p.ord, p.target), p.row_no, p.column_name, p.target,
             left(p.value, 200), p.code, p.message, p.hint
      from p
      returning 1
    )
    select count(*) as n from ins
  `.execute(trx);
  return Number(res.rows[0]!.n);
}
