import { sql, type RawBuilder } from 'kysely';
import type { ColumnStats } from '../../core/cell-number';
import type { Trx } from '../../core/db';

/** One plan input as validated: the column feeding it (null: unmapped) and its range rule. */
export interface InputSpec {
  input: string;
  col: string | null;
  /** money: ≥ 0; percent: a fraction between -1 and 1; decimal: any number. */
  rule: 'money' | 'percent' | 'decimal';
}

/**
 * Whether a mapped input's column can hold a problem, by the counts taken while parsing (no counts:
 * it can): an empty cell, a cell that is not a number, or a number outside the input's range.
 */
function mayFault(spec: InputSpec, stats: Record<string, ColumnStats> | null): boolean {
  const s = spec.col === null ? undefined : stats?.[spec.col];
  if (!s) return true;
  return s.empty > 0 || s.nan > 0 || (spec.rule === 'money' && s.negative > 0) || (spec.rule === 'percent' && s.beyond_one > 0);
}

/**
 * Rebuild the upload's validation report for a mapping, reading the rows' cells as parsed (the rows
 * are not rewritten: the run's threads map them as they read, ADR 0029): missing required values,
 * cells that are not numbers (storage.to_decimal, the rule of modules/core/cell-number.ts), values out
 * of range, duplicate employee ids (every later occurrence), and plan inputs no column feeds
 * (reported on the header row). Only the columns whose parse-time counts (`stats`) say they hold a
 * fault are read cell by cell; duplicates are found with one grouping of the employee ids.
 * Returns the problem count.
 */
export async function rebuildProblems(
  trx: Trx,
  tenantId: string,
  uploadId: number,
  employeeCol: string | null,
  specs: InputSpec[],
  stats: Record<string, ColumnStats> | null,
): Promise<number> {
  await trx.deleteFrom('storage.upload_problems').where('upload_id', '=', uploadId).execute();
  const flagged = specs.filter((s) => s.col !== null && mayFault(s, stats));
  const unmapped = specs.filter((s) => s.col === null);
  const parts: RawBuilder<unknown>[] = [];
  if (employeeCol !== null) {
    const id = sql`coalesce(btrim(r.fields ->> ${employeeCol}::text), '')`;
    if (!stats?.[employeeCol] || stats[employeeCol].empty > 0)
      parts.push(sql`
        select r.row_no, 0 as ord, ${employeeCol}::text as column_name, 'employee_id' as target, r.fields ->> ${employeeCol}::text as value,
               'missing_required' as code, 'The employee id is empty' as message,
               'Fill in the employee id; every row needs one to be paid' as hint
        from runs.upload_rows r
        where r.upload_id = ${uploadId} and ${id} = ''`);
    parts.push(sql`
      select d.row_no, 1, ${employeeCol}::text, 'employee_id', d.employee_id, 'duplicate_employee_id',
             format('Employee id %s is also on row %s', d.employee_id, d.first_row),
             'Each employee must appear once: remove or merge the duplicate rows'
      from (select r.row_no, ${id} as employee_id, min(r.row_no) over (partition by ${id}) as first_row
            from runs.upload_rows r
            join (select ${id} as id from runs.upload_rows r where r.upload_id = ${uploadId} and ${id} <> ''
                  group by 1 having count(*) > 1) dup on dup.id = ${id}
            where r.upload_id = ${uploadId}) d
      where d.row_no > d.first_row`);
  }
  if (flagged.length)
    parts.push(sql`
      select r.row_no, 2, s.col, s.input, r.fields ->> s.col,
             case when btrim(coalesce(r.fields ->> s.col, '')) = '' then 'missing_required'
                  when x.v is null then 'not_a_number'
                  else 'out_of_range' end,
             case when btrim(coalesce(r.fields ->> s.col, '')) = '' then format('%s is empty', s.col)
                  when x.v is null then format('%s is not a number', s.col)
                  when s.rule = 'money' then format('%s must not be negative', s.col)
                  else format('%s must be a fraction between -1 and 1', s.col) end,
             case when btrim(coalesce(r.fields ->> s.col, '')) = '' then format('Fill in %s (input %s) for this employee', s.col, s.input)
                  when x.v is null then 'Write a plain number such as 1234.50 (currency signs, thousands separators and % are accepted)'
                  when s.rule = 'money' then 'Amounts are zero or more; check the sign'
                  else 'Percentages are fractions: write 10% or 0.10, not 10' end
      from jsonb_to_recordset(${JSON.stringify(flagged)}::jsonb) s(input text, col text, rule text)
      join runs.upload_rows r on r.upload_id = ${uploadId}
      cross join lateral (select storage.to_decimal(r.fields ->> s.col) as v) x
      where x.v is null
         or (s.rule = 'money' and x.v::numeric < 0)
         or (s.rule = 'percent' and abs(x.v::numeric) > 1)`);
  if (unmapped.length)
    parts.push(sql`
      select 1, 3, null, s.input, null, 'missing_required', format('No column is mapped to the plan input %s', s.input),
             format('Map the column that holds %s, or add it to the file', s.input)
      from jsonb_to_recordset(${JSON.stringify(unmapped)}::jsonb) s(input text, col text, rule text)`);
  if (employeeCol === null)
    parts.push(sql`
      select 1, 3, null, 'employee_id', null, 'missing_required', 'No column is mapped to employee_id', 'Map the column that identifies each employee'`);
  if (parts.length === 0) return 0;
  const res = await sql<{ n: string }>`
    with p (row_no, ord, column_name, target, value, code, message, hint) as (${sql.join(parts, sql` union all `)}),
    ins as (
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
