import { withTenant, type Db } from '../../core/db';
import * as repo from '../repo';
import type { EngineGate } from '../schema';
import { toReport } from './context';

/** The engine cutover gate: passes when a report with Gate A passed has been signed off by finance. */
export async function engineGate(db: Db, tenantId: string): Promise<EngineGate> {
  const { signed, latest } = await withTenant(db, tenantId, (trx) => repo.latestReports(trx));
  const signedOffReport = signed ? toReport(signed) : null;
  const latestReport = latest ? toReport(latest) : null;
  if (signedOffReport && signedOffReport.gateA?.passed) {
    return {
      passed: true,
      status: 'signed-off',
      detail: `Gate A passed and signed off by ${signedOffReport.signedOffBy} on report "${signedOffReport.name}"`,
      signedOffReport,
      latestReport,
    };
  }
  if (!latestReport)
    return {
      passed: false,
      status: 'no-report',
      detail: 'No parity report has been run yet',
      signedOffReport: null,
      latestReport: null,
    };
  return {
    passed: false,
    status: 'not-signed-off',
    detail: latestReport.gateA?.passed
      ? 'The latest report passed Gate A but finance has not signed it off'
      : 'No report has passed Gate A and been signed off',
    signedOffReport: null,
    latestReport,
  };
}
