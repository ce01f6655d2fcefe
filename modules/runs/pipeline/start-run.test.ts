import type { FastifyInstance } from 'fastify';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../../test/auth';
import { buildTestApp, ownerDb } from '../../../test/helpers';
import type { Config } from '../../core/config';
import type { Db } from '../../core/db';
import { queueName } from '../../core/jobs';
import { RUN_JOB, runJobId } from './queue';
import { startRun } from './service/start-run';
import { sweepQueuedRuns } from './sweep-queued';
import { legacyPlanId, makeUpload } from './test-support';

type Who = Awaited<ReturnType<typeof loginAs>>;
let app: FastifyInstance;
let config: Config;
let owner: Db;
let admin: Who;
let planId: string;

beforeAll(async () => {
  ({ app, config } = await buildTestApp());
  owner = ownerDb(config);
  admin = await loginAs(app, { roles: ['admin'] });
  planId = await legacyPlanId(app, admin.tenantId);
}, 120_000);
afterAll(async () => {
  await owner?.destroy();
  await app?.close();
});

const post = (body: object) =>
  app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${admin.tenantId}/runs`,
    headers: admin.headers,
    payload: body,
  });

/** A parsed upload mapped (as storage saves it) with `columns`, validation clean. */
async function mappedUpload(columns: Record<string, string | null>): Promise<number> {
  const id = await makeUpload(app, admin.tenantId, 3);
  await sql`update runs.uploads set status = 'parsed', problem_count = 0, mapping = ${JSON.stringify({ plan_id: planId, plan_version: 1, columns, preset_id: null })}::jsonb where id = ${id}`.execute(
    owner,
  );
  return id;
}

describe('POST /runs checks the upload against the plan', () => {
  it('refuses an upload whose mapping feeds none of some plan inputs, one field path per input', async () => {
    const uploadId = await mappedUpload({
      ID: 'employee_id',
      Salary: 'base_salary',
      Target: 'target_pct',
      Score: 'performance_score',
      Notes: null,
    });
    const res = await post({ plan_id: planId, upload_id: uploadId, name: 'mismatch' });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      status: 422,
      code: 'RUN_UPLOAD_PLAN_MISMATCH',
      detail: `upload ${uploadId} does not feed every input the plan needs: fund_return, revenue`,
      errors: [
        {
          path: 'body.upload_id.mapping.fund_return',
          message: "no column of the upload is mapped to the plan input 'fund_return'",
        },
        {
          path: 'body.upload_id.mapping.revenue',
          message: "no column of the upload is mapped to the plan input 'revenue'",
        },
      ],
    });
    expect(
      (
        await sql<{ n: string }>`select count(*) as n from runs.runs where upload_id = ${uploadId}`.execute(
          owner,
        )
      ).rows[0]!.n,
    ).toBe('0');
  });

  it('refuses a legacy upload whose rows lack a plan input', async () => {
    const uploadId = await makeUpload(app, admin.tenantId, 2, () => true); // every row without revenue
    const res = await post({ plan_id: planId, upload_id: uploadId, name: 'legacy mismatch' });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      {
        path: 'body.upload_id.mapping.revenue',
        message: "no column of the upload is mapped to the plan input 'revenue'",
      },
    ]);
  });

  it('accepts an upload whose mapping covers every plan input', async () => {
    const uploadId = await mappedUpload({
      ID: 'employee_id',
      S: 'base_salary',
      T: 'target_pct',
      P: 'performance_score',
      F: 'fund_return',
      R: 'revenue',
    });
    const res = await post({ plan_id: planId, upload_id: uploadId, name: 'covered' });
    expect(res.statusCode).toBe(202);
  });
});

describe('runs created while Redis is down', () => {
  it('are stored queued (202) and their jobs are added by the sweep, once', async () => {
    const uploadId = await makeUpload(app, admin.tenantId, 3);
    const down = { ...config, REDIS_URL: 'redis://127.0.0.1:1' };
    const caller = { tenantId: admin.tenantId, actor: admin.email };
    const run = await startRun({ db: app.db, redis: app.redis, config: down, log: app.log }, caller, {
      plan_id: planId,
      upload_id: uploadId,
      name: 'redis down',
    });
    expect(run.status).toBe('queued');

    const queue = new Queue(queueName(RUN_JOB), {
      connection: { url: config.REDIS_URL },
      prefix: `${config.REDIS_PREFIX}bull`,
    });
    try {
      const jobId = runJobId(admin.tenantId, run.id, null);
      expect(await queue.getJob(jobId)).toBeUndefined();
      const swept = await sweepQueuedRuns({ db: app.db, config, log: app.log as never }, 0);
      expect(swept).toBeGreaterThanOrEqual(1);
      const job = await queue.getJob(jobId);
      expect(job?.data).toEqual({ tenantId: admin.tenantId, runId: run.id, retry: false });
      // A second sweep adds nothing new: same job id.
      await sweepQueuedRuns({ db: app.db, config, log: app.log as never }, 0);
      expect(
        (await queue.getJobs(['waiting', 'delayed', 'active'])).filter((j) => j.data.runId === run.id),
      ).toHaveLength(1);
      // Runs queued for less than the grace are left to the API's own add.
      expect(await sweepQueuedRuns({ db: app.db, config, log: app.log as never }, 3_600_000)).toBe(0);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  }, 30_000);
});
