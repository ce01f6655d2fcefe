import { Decimal } from '../../core/decimal';
import { withTenant, type Db } from '../../core/db';
import { conflict, notFound } from '../../core/errors';
import { recordAudit } from '../../audit/index';
import * as repo from '../repo';
import type { ParityReport } from '../schema';
import { toReport } from './context';

/**
 * Finance signs a report off. Refused (409) unless the run is done and Gate A passed; a report is
 * signed once. The sign-off and its audit event commit together.
 */
export async function signOff(
  db: Db,
  input: {
    tenantId: string;
    reportId: string;
    note: string;
    actor: string;
    actorId: string;
    requestId?: string;
    ip?: string;
  },
): Promise<ParityReport> {
  return withTenant(db, input.tenantId, async (trx) => {
    const row = await repo.findReportForUpdate(trx, input.reportId);
    if (!row) throw notFound('Parity report', input.reportId);
    if (row.status !== 'done')
      throw conflict(
        'FIG_PARITY_REPORT_NOT_DONE',
        `Parity report ${row.id} is ${row.status}; only a finished report can be signed off`,
      );
    const gate = row.gate_a as {
      passed: boolean;
      checks: { name: string; passed: boolean; detail: string }[];
    } | null;
    if (!gate?.passed) {
      const failed = (gate?.checks ?? [])
        .filter((c) => !c.passed)
        .map((c) => ({ name: c.name, detail: c.detail }));
      throw conflict('FIG_PARITY_GATE_FAILED', 'Gate A failed for this report; it cannot be signed off', {
        failedChecks: failed,
      });
    }
    if (row.signed_off_at) {
      throw conflict(
        'FIG_PARITY_ALREADY_SIGNED_OFF',
        `Parity report ${row.id} was already signed off by ${row.signed_off_by}`,
      );
    }
    const updated = await repo.setSignOff(trx, row.id, input.actor, input.note);
    await recordAudit(trx, {
      tenantId: input.tenantId,
      actor: input.actor,
      actorId: input.actorId,
      action: 'parity.report.sign_off',
      entity: 'parity_report',
      entityId: row.id,
      before: { signedOffAt: null },
      after: {
        signedOffBy: input.actor,
        note: input.note,
        gateA: gate,
        employees: row.employees,
        mismatched: row.mismatched,
        maxAbsDiff: new Decimal(row.max_abs_diff).toFixed(),
      },
      requestId: input.requestId ?? null,
      ip: input.ip ?? null,
    });
    return toReport(updated);
  });
}
