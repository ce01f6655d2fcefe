import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from './caller';
import { streamRunEvents } from './events';
import { Accepted, FailureList, ListQuery, ResultList, ResultsQuery, RunList, RunParams, RunView, StartRunBody, TenantParams } from './schema';
import { listResults } from './service/list-results';
import type { PipelineDeps } from './service/context';
import { getRun, listFailures, listRuns } from './service/read-runs';
import { retryFailures } from './service/retry-failures';
import { startRun } from './service/start-run';

const READ = { permission: 'runs.read' };
const WRITE = { permission: 'runs.write' };
const RETRY = { permission: 'runs.retry' };
const Empty = z.object({}).nullish();

const caller = callerOf;

const href = (tid: string, id: number) => `/api/v1/tenants/${tid}/runs/${id}`;

/** Routes of the runs pipeline under /api/v1 (docs/runs.md). Thin: parse, call the service, answer. */
export async function pipelineRoutes(appRaw: FastifyInstance, { deps }: { deps: PipelineDeps }): Promise<void> {
  const app = appRaw.withTypeProvider<ZodTypeProvider>();
  const tags = ['runs'];

  app.post('/tenants/:tid/runs', { config: WRITE, schema: { tags, params: TenantParams, body: StartRunBody, response: { 202: Accepted } } }, async (req, reply) => {
    const run = await startRun(deps, caller(req, req.params.tid), req.body);
    return reply.code(202).header('location', href(req.params.tid, run.id)).send({ id: run.id, status: run.status, href: href(req.params.tid, run.id) });
  });
  app.get('/tenants/:tid/runs', { config: READ, schema: { tags, params: TenantParams, querystring: ListQuery, response: { 200: RunList } } }, (req) =>
    listRuns(deps, caller(req, req.params.tid), req.query),
  );
  app.get('/tenants/:tid/runs/:id', { config: READ, schema: { tags, params: RunParams, response: { 200: RunView } } }, (req) =>
    getRun(deps, caller(req, req.params.tid), req.params.id),
  );
  app.get('/tenants/:tid/runs/:id/events', { config: READ, schema: { tags, params: RunParams } }, (req, reply) =>
    streamRunEvents(deps, caller(req, req.params.tid), req.params.id, req, reply),
  );
  app.get('/tenants/:tid/runs/:id/failures', { config: READ, schema: { tags, params: RunParams, querystring: ListQuery, response: { 200: FailureList } } }, (req) =>
    listFailures(deps, caller(req, req.params.tid), req.params.id, req.query),
  );
  app.get('/tenants/:tid/runs/:id/results', { config: READ, schema: { tags, params: RunParams, querystring: ResultsQuery, response: { 200: ResultList } } }, (req) =>
    listResults(deps, caller(req, req.params.tid), req.params.id, req.query),
  );
  app.post('/tenants/:tid/runs/:id/failures/retry', { config: RETRY, schema: { tags, params: RunParams, body: Empty, response: { 202: Accepted } } }, async (req, reply) => {
    const run = await retryFailures(deps, caller(req, req.params.tid), req.params.id);
    return reply.code(202).send({ id: run.id, status: run.status, href: href(req.params.tid, run.id) });
  });
}
