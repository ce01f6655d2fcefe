import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../caller';
import { RunParams } from '../schema';
import type { PipelineDeps } from '../service/context';
import { csvStream, xlsxStream, zipStream } from './files';
import { loadStatement, openResults } from './load';
import type { OutputsPool } from './outputs-pool';

const READ = { permission: 'runs.read' };
const StatementParams = RunParams.extend({ employeeId: z.string().min(1).max(200) });
const ExportParams = RunParams.extend({ format: z.enum(['csv', 'xlsx', 'zip']) });

const TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
} as const;

/** A file name safe in a Content-Disposition header. */
const fileName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

/** Statement PDFs (built in the outputs worker pool) and exports (streamed from a cursor) of a run's frozen results (docs/runs.md). */
export async function outputsRoutes(
  appRaw: FastifyInstance,
  { deps, pool }: { deps: PipelineDeps; pool: OutputsPool },
): Promise<void> {
  const app = appRaw.withTypeProvider<ZodTypeProvider>();
  const tags = ['runs'];

  app.get(
    '/tenants/:tid/runs/:id/statements/:employeeId.pdf',
    { config: READ, schema: { tags, params: StatementParams } },
    async (req, reply) => {
      const { run, row } = await loadStatement(
        deps,
        callerOf(req, req.params.tid),
        req.params.id,
        req.params.employeeId,
      );
      const pdf = await pool.run({ kind: 'statement', run, row });
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `attachment; filename="statement-${run.id}-${fileName(row.employeeId)}.pdf"`,
        )
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
    },
  );

  app.get(
    '/tenants/:tid/runs/:id/export.:format',
    { config: READ, schema: { tags, params: ExportParams } },
    async (req, reply) => {
      const { format } = req.params;
      // Streamed from a cursor: one page of results in memory at a time, whatever the run's size.
      const src = await openResults(deps, callerOf(req, req.params.tid), req.params.id);
      const body = format === 'csv' ? csvStream(src) : format === 'xlsx' ? xlsxStream(src) : zipStream(src);
      body.on('error', (err) => req.log.warn({ err, runId: src.run.id, format }, 'export stream failed'));
      return reply
        .type(TYPES[format])
        .header('content-disposition', `attachment; filename="run-${src.run.id}.${format}"`)
        .header('cache-control', 'private, no-store')
        .send(body);
    },
  );
}
