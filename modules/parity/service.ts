import Decimal from 'decimal.js';
import { Queue } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../gateway/config';
import { withTenant, type Db } from '../../modules/core/db';
import { conflict, notFound } from '../../modules/core/errors';
import { queueName } from '../../modules/core/jobs';
import { recordAudit } from '../../modules/audit/index';
import type { PlanDefinitionInput } from '../../modules/engine/index';
import { LegacyClient } from './legacy-client';
import { LEGACY_OUTPUTS, POOL_OUTPUT, legacyEquivalentPlan, planHash } from './plan';
import * as repo from './repo';
import { runParity } from './runner';
import type { EngineGate, ParityReport, ReportSource } from './schema';
import type { ParityReportRow } from './tables';

/** Runs with at most this many employees run inline (the request waits); larger ones go to the worker. */
export const INLINE_MAX_EMPLOYEES = 5_000;
export const PARITY_JOB = { name: 'parity.run', version: 1 } as const;

const OUTPUT_ORDER: string[] = [...LEGACY_OUTPUTS, POOL_OUTPUT];

/** jsonb keeps keys in its own order; show outputs in plan order. */
function inOutputOrder<T>(byOutput: Record<string, T>): Record<string, T> {
  const rank = (k: string) => (OUTPUT_ORDER.includes(k) ? OUTPUT_ORDER.indexOf(k) : OUTPUT_ORDER.length);
  return Object.fromEntries(
    Object.entries(byOutput).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)),
  );
}

/** Wire shape of a stored report. */
export function toReport(row: ParityReportRow): ParityReport {
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    planRef: row.plan_ref,
    status: row.status,
    error: row.error,
    employees: row.employees,
    matched: row.matched,
    mismatched: row.mismatched,
    withinTolerance: row.within_tolerance,
    matchRate:
      row.status === 'done' && row.employees > 0
        ? new Decimal(row.matched).div(row.employees).toFixed(6)
        : null,
    maxAbsDiff: new Decimal(row.max_abs_diff).toFixed(),
    byOutput: inOutputOrder((row.by_output ?? {}) as ParityReport['byOutput']),
    batches: (row.batches ?? []) as unknown[],
    gateA: (row.gate_a ?? null) as ParityReport['gateA'],
    durationMs: row.duration_ms,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    signedOffBy: row.signed_off_by,
    signedOffAt: row.signed_off_at?.toISOString() ?? null,
    signOffNote: row.sign_off_note,
  };
}

export interface ParityDeps {
  db: Db;
  config: Config;
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>;
}

/** How many employees a source will replay (asks legacy for historical batch sizes). */
export async function sourceSize(legacyUrl: string, source: ReportSource): Promise<number> {
  if (source.kind === 'rows') return source.rows.length;
  if (source.kind === 'generated') return source.employees;
  const client = new LegacyClient(legacyUrl);
  const batches =
    source.batchIds === 'all'
      ? await client.listBatches()
      : await Promise.all(source.batchIds.map((id) => client.getBatch(id)));
  return batches.reduce((a, b) => a + b.employee_count, 0);
}

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
    const outcome = await runParity(source, {
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

/** Put a run on the worker's queue. */
export async function enqueueRun(
  config: Config,
  payload: { tenantId: string; reportId: string; source: ReportSource },
): Promise<void> {
  const queue = new Queue(queueName(PARITY_JOB), {
    connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
    prefix: `${config.REDIS_PREFIX}bull`,
  });
  try {
    await queue.add('run', payload, {
      jobId: payload.reportId,
      attempts: 1,
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  } finally {
    await queue.close();
  }
}

/** Create a report and run it: inline when small (returns it finished), else queued (returns it running). */
export async function createReport(
  deps: ParityDeps,
  input: { tenantId: string; name: string; source: ReportSource; actor: string; inline?: boolean },
): Promise<{ report: ParityReport; queued: boolean }> {
  const plan = legacyEquivalentPlan();
  const row = await withTenant(deps.db, input.tenantId, (trx) =>
    repo.insertReport(trx, {
      tenantId: input.tenantId,
      name: input.name,
      source: input.source,
      createdBy: input.actor,
      planRef: { name: 'legacy-equivalent', hash: planHash(plan), catalogVersion: 1 },
    }),
  );
  const inline =
    input.inline ?? (await sourceSize(deps.config.LEGACY_URL, input.source)) <= INLINE_MAX_EMPLOYEES;
  if (!inline) {
    await enqueueRun(deps.config, { tenantId: input.tenantId, reportId: row.id, source: input.source });
    return { report: toReport(row), queued: true };
  }
  return { report: await executeReport(deps, input.tenantId, row.id, input.source), queued: false };
}

export async function getReport(db: Db, tenantId: string, id: string): Promise<ParityReport> {
  const row = await withTenant(db, tenantId, (trx) => repo.findReport(trx, id));
  if (!row) throw notFound('Parity report', id);
  return toReport(row);
}

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
