import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAuth, requireTenant } from '../core/auth-context';
import { csvLine } from '../core/csv';
import { PageQuery } from '../core/pagination';
import { xlsx, type XlsxCell } from './export';
import type { ParityRunner } from './outcome';
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
} from './schema';
import {
  createReport,
  engineGate,
  exportMismatches,
  EXPORT_COLUMNS,
  getEmployeeMismatches,
  getReport,
  listMismatches,
  listReports,
  signOff,
} from './service';

const actorOf = (request: FastifyRequest) => {
  const auth = requireAuth(request);
  return { actor: auth.actor, actorId: auth.userId };
};

/** The parity reports API: run, browse, drill down, export, sign off; and the engine gate. */
export const parityRoutes: FastifyPluginAsync<{ runner: ParityRunner }> = async (app, { runner }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const deps = () => ({ db: app.db, config: app.config, log: app.log, runner });

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
    async (request) => listReports(app.db, requireTenant(request), request.query),
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
    async (request) => listMismatches(app.db, requireTenant(request), request.params.id, request.query),
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
    async (request) =>
      getEmployeeMismatches(app.db, requireTenant(request), request.params.id, request.params.employeeId, request.query.batchId),
  );

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
      const { report, rows } = await exportMismatches(app.db, requireTenant(request), request.params.id);
      const body = [csvLine(EXPORT_COLUMNS), ...rows.map((m) => csvLine(m))].join('');
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
      const { report, rows } = await exportMismatches(app.db, requireTenant(request), request.params.id);
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
        { name: 'Mismatches', rows: [EXPORT_COLUMNS, ...rows] },
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
