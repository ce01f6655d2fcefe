import { sql } from 'kysely';
import { withTenant } from '../../../core/db';
import { listPage } from '../../../core/pagination';
import type { ResultsQuery } from '../schema';
import type { Caller, PipelineDeps } from './context';
import { getRunIn } from './read-runs';
import { identitySql, uploadRowMapping } from '../repo';

/** A run's results with their employee's name and department: one page, filtered and sorted. */
export const listResults = (deps: PipelineDeps, caller: Caller, id: number, query: ResultsQuery) =>
  withTenant(deps.db, caller.tenantId, async (trx) => {
    const run = await getRunIn(trx, id);
    const payout = run.payout_output ?? 'bonus';
    const who = identitySql(await uploadRowMapping(trx, run.upload_id));
    let base = trx
      .selectFrom('runs.run_results as r')
      .innerJoin('runs.upload_rows as u', (j) => j.on('u.upload_id', '=', run.upload_id).onRef('u.row_no', '=', 'r.row_no'))
      .where('r.run_id', '=', id);
    if (query.employee_id !== undefined) base = base.where('r.employee_id', '=', query.employee_id);
    if (query.department !== undefined) base = base.where(who.department, '=', query.department);
    if (query.ok !== undefined) base = base.where('r.ok', '=', query.ok === 'true');
    const desc = query.sort.startsWith('-');
    const key = query.sort.replace(/^-/, '');
    const order =
      key === 'payout' ? sql`(r.outputs ->> ${payout})::numeric` : key === 'employee_id' ? sql`r.employee_id` : sql`r.row_no`;
    return listPage(
      query,
      async (offset, limit) => {
        const [rows, n] = await Promise.all([
          base
            .select(['r.row_no', 'r.employee_id', 'r.ok', 'r.outputs', 'r.error', 'r.pool_share'])
            .select([who.name.as('name'), who.department.as('department')])
            .orderBy(desc ? sql`${order} desc nulls last` : sql`${order} asc nulls last`)
            .orderBy('r.row_no')
            .limit(limit)
            .offset(offset)
            .execute(),
          base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
        ]);
        return { rows, total: Number(n.n) };
      },
      (r) => ({
        rowNo: r.row_no,
        employeeId: r.employee_id,
        name: r.name,
        department: r.department,
        ok: r.ok,
        payout: r.ok ? (r.outputs[payout] ?? null) : null,
        poolShare: r.ok ? (r.pool_share ?? (run.pool_amount !== null ? (r.outputs[payout] ?? null) : null)) : null,
        outputs: r.outputs,
        error: r.error ? { step: r.error.step ?? null, message: r.error.message } : null,
      }),
    );
  });
