import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAuth, requireTenant } from '../../modules/core/auth-context';
import { withTenant } from '../../modules/core/db';
import { notFound } from '../../modules/core/errors';
import { listPage, PageQuery } from '../../modules/core/pagination';
import { csvLine, xlsx, type XlsxCell } from './export';
import * as repo from './repo';
import {
  CreateReportBody,
  EmployeeDrillDown,
  EmployeeParams,
  EngineGate,
  MismatchPage,
  MismatchQuery,
  ParityReport,
  ParityReportPage,
  ReportParams,
  SignOffBody,
  type Mismatch,
} from './schema';
import { createReport, engineGate, getReport, signOff, toReport } from './service';
import type { ParityTape } from './compare';

const toMismatch = (m: repo.MismatchSummaryRow): Mismatch => ({
  id: String(m.id),
  employeeId: m.employee_id,
  batchId: m.batch_id,
  output: m.output,
  legacyValue: m.legacy_value,
  newValue: m.new_value,
  absDiff: m.abs_diff === null ? null : trimZeros(m.abs_diff),
  withinTolerance: m.within_tolerance,
  firstDiffStep: m.first_diff_step,
});

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Header of the CSV/XLSX export: the summary columns after the id (cells() writes them in this order). */
const EXPORT_COLUMNS = repo.MISMATCH_SUMMARY_COLUMNS.slice(1);
const EXPORT_MAX_ROWS = 200_000;

const actorOf = (request: FastifyRequest) => {
  const auth = requireAuth(request);
  return { actor: auth.actor, actorId: auth.userId };
};

/** The parity reports API: run, browse, drill down, export, sign off; and the engine gate. */
export const parityRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = () => ({ db: app.db, config: app.config, log: app.log });

  r.post(
    '/api/v1/parity/reports',
    {
      // Up to 5,000 given rows (with a department each) run past the 1 MB default for fig's JSON.
      bodyLimit: 8 * 1024 * 1024,
      config: { permission: 'parity.run' },
      schema: {
        tags: ['parity'],
        summary:
          'Run a parity report: legacy engine vs the new engine on historical batches, generated employees or given rows',
        body: CreateReportBody,
        response: { 201: ParityReport, 202: ParityReport },
      },
    },
    async (request, reply) => {
      const tenantId = requireTenant(request);
      const { actor } = actorOf(request);
      const { report, queued } = await createReport(deps(), {
        tenantId,
        name: request.body.name,
        source: request.body.source,
        actor,
      });
      return reply.code(queued ? 202 : 201).send(report);
    },
  );

  r.get(
    '/api/v1/parity/reports',
    {
      config: { permission: 'parity.read' },
      schema: {
        tags: ['parity'],
        summary: 'Parity reports, newest first',
        querystring: PageQuery,
        response: { 200: ParityReportPage },
      },
    },
    async (request) => {
      const tenantId = requireTenant(request);
      return listPage(
        request.query,
        (offset, limit) => withTenant(app.db, tenantId, (trx) => repo.listReports(trx, offset, limit)),
        toReport,
      );
    },
  );

  r.get(
    '/api/v1/parity/reports/:id',
    {
      config: { permission: 'parity.read' },
      schema: {
        tags: ['parity'],
        summary: 'One report: samples, match rate, max difference, by output, Gate A',
        params: ReportParams,
        response: { 200: ParityReport },
      },
    },
    async (request) => getReport(app.db, requireTenant(request), request.params.id),
  );

  r.get(
    '/api/v1/parity/reports/:id/mismatches',
    {
      config: { permission: 'parity.read' },
      schema: {
        tags: ['parity'],
        summary: 'Mismatches, largest difference first, filtered',
        params: ReportParams,
        querystring: MismatchQuery,
        response: { 200: MismatchPage },
      },
    },
    async (request) => {
      const tenantId = requireTenant(request);
      return listPage(
        request.query,
        (offset) =>
          withTenant(app.db, tenantId, async (trx) => {
            if (!(await repo.findReport(trx, request.params.id)))
              throw notFound('Parity report', request.params.id);
            return repo.listMismatches(trx, request.params.id, request.query, offset);
          }),
        toMismatch,
      );
    },
  );

  r.get(
    '/api/v1/parity/reports/:id/mismatches/:employeeId',
    {
      config: { permission: 'parity.read' },
      schema: {
        tags: ['parity'],
        summary: 'One employee: both tapes side by side and the first step that differs',
        params: EmployeeParams,
        querystring: MismatchQuery.pick({ batchId: true }),
        response: { 200: EmployeeDrillDown },
      },
    },
    async (request) => {
      const tenantId = requireTenant(request);
      const { id, employeeId } = request.params;
      const rows = await withTenant(app.db, tenantId, async (trx) => {
        if (!(await repo.findReport(trx, id))) throw notFound('Parity report', id);
        return repo.employeeMismatches(trx, id, employeeId);
      });
      const batchIds = [...new Set(rows.map((m) => m.batch_id ?? ''))];
      const batchId = request.query.batchId ?? batchIds[0];
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
    },
  );

  const exportRows = async (tenantId: string, id: string) =>
    withTenant(app.db, tenantId, async (trx) => {
      const report = await repo.findReport(trx, id);
      if (!report) throw notFound('Parity report', id);
      const rows: repo.MismatchSummaryRow[] = [];
      let after = '0';
      while (rows.length < EXPORT_MAX_ROWS) {
        const chunk = await repo.mismatchesAfter(trx, id, after, 2000);
        rows.push(...chunk);
        if (chunk.length < 2000) break;
        after = String(chunk[chunk.length - 1]?.id);
      }
      return { report: toReport(report), rows };
    });
  const cells = (m: repo.MismatchSummaryRow): XlsxCell[] => {
    const w = toMismatch(m);
    return [
      w.batchId,
      w.employeeId,
      w.output,
      w.legacyValue,
      w.newValue,
      w.absDiff,
      w.withinTolerance ? 'yes' : 'no',
      w.firstDiffStep,
    ];
  };
  const fileName = (name: string, ext: string) =>
    `parity-${
      name
        .replace(/[^A-Za-z0-9._-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 80) || 'report'
    }.${ext}`;

  r.get(
    '/api/v1/parity/reports/:id/export.csv',
    {
      config: { permission: 'parity.read' },
      schema: {
        tags: ['parity'],
        summary: 'Mismatches as CSV (formula-injection-safe cells)',
        params: ReportParams,
      },
    },
    async (request, reply) => {
      const { report, rows } = await exportRows(requireTenant(request), request.params.id);
      const body = [csvLine(EXPORT_COLUMNS), ...rows.map((m) => csvLine(cells(m)))].join('');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName(report.name, 'csv')}"`)
        .send(body);
    },
  );

  r.get(
    '/api/v1/parity/reports/:id/export.xlsx',
    {
      config: { permission: 'parity.read' },
      schema: {
        tags: ['parity'],
        summary: 'Summary, Gate A and mismatches as an XLSX workbook',
        params: ReportParams,
      },
    },
    async (request, reply) => {
      const { report, rows } = await exportRows(requireTenant(request), request.params.id);
      const summary: XlsxCell[][] = [
        ['Report', report.name],
        ['Status', report.status],
        ['Employees', report.employees],
        ['Matched', report.matched],
        ['Mismatched', report.mismatched],
        ['Match rate', report.matchRate],
        ['Max difference', report.maxAbsDiff],
        ['Gate A', report.gateA ? (report.gateA.passed ? 'passed' : 'failed') : ''],
        ...(report.gateA?.checks ?? []).map((c): XlsxCell[] => [
          `  ${c.name}`,
          c.passed ? 'passed' : 'failed',
          c.detail,
        ]),
        ['Signed off by', report.signedOffBy],
        ['Signed off at', report.signedOffAt],
        ['Sign-off note', report.signOffNote],
        [],
        ['Output', 'Compared', 'Mismatched', 'Over tolerance', 'Max difference'],
        ...Object.entries(report.byOutput).map(([o, s]): XlsxCell[] => [
          o,
          s.compared,
          s.mismatched,
          s.overTolerance,
          s.maxAbsDiff,
        ]),
      ];
      const body = xlsx([
        { name: 'Summary', rows: summary },
        { name: 'Mismatches', rows: [EXPORT_COLUMNS, ...rows.map(cells)] },
      ]);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${fileName(report.name, 'xlsx')}"`)
        .send(body);
    },
  );

  r.post(
    '/api/v1/parity/reports/:id/sign-off',
    {
      config: { permission: 'parity.signoff' },
      schema: {
        tags: ['parity'],
        summary: 'Finance signs a report off (refused while Gate A fails); audited',
        params: ReportParams,
        body: SignOffBody,
        response: { 200: ParityReport },
      },
    },
    async (request) => {
      const tenantId = requireTenant(request);
      const { actor, actorId } = actorOf(request);
      return signOff(app.db, {
        tenantId,
        reportId: request.params.id,
        note: request.body.note,
        actor,
        actorId,
        requestId: request.id,
        ip: request.ip,
      });
    },
  );

  r.get(
    '/api/v1/parity/engine-gate',
    {
      config: { permission: 'parity.read' },
      schema: {
        tags: ['parity'],
        summary: 'The engine cutover gate: latest signed-off report and gate status',
        response: { 200: EngineGate },
      },
    },
    async (request) => engineGate(app.db, requireTenant(request)),
  );
};
