import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../test/helpers';
import { purgeLinkTokensJob } from '../modules/identity/index';
import { reportUsageJob } from '../modules/billing/index';
import { queueName } from '../modules/core/jobs';

const root = path.resolve(import.meta.dirname, '..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Poll until `ok` holds or the time is up; returns whether it held. */
async function until(ms: number, ok: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ok()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return ok();
}

describe('npm run worker', () => {
  let child: ChildProcess;
  let databaseUrl: string;
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  let started = false;

  beforeAll(async () => {
    databaseUrl = await createTestDb();
    // A delivered reset mail that still carries its link token: the scheduled purge must remove it.
    const owner = new pg.Client({ connectionString: databaseUrl });
    await owner.connect();
    await owner.query(
      `insert into identity.outbox (kind, to_email, subject, body, payload, sent_at)
       values ('password_reset', 'a@b.test', 'Reset', 'Open /app/reset-password#token=SECRETTOKEN123 within one hour.', '{}', now())`,
    );
    await owner.end();
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'gateway/worker.ts')], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (chunk.includes('worker started')) started = true;
    });
    expect(await until(60_000, async () => started)).toBe(true);
  }, 90_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('keeps one schedule for a job that runs every few minutes, and runs it: delivered link tokens are purged', async () => {
    const name = queueName(purgeLinkTokensJob);
    const queue = new Queue(name, { connection: { url: REDIS_URL }, prefix: `${prefix}bull` });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => ({ key: s.key, every: Number(s.every) }))).toEqual([
        { key: name, every: 5 * 60_000 },
      ]);
      // The monthly usage report to Stripe is scheduled hourly the same way (a no-op with billing off).
      const usage = new Queue(queueName(reportUsageJob), {
        connection: { url: REDIS_URL },
        prefix: `${prefix}bull`,
      });
      const usageSchedulers = await usage.getJobSchedulers().finally(() => usage.close());
      expect(usageSchedulers.map((s) => ({ key: s.key, every: Number(s.every) }))).toEqual([
        { key: queueName(reportUsageJob), every: 60 * 60_000 },
      ]);
      const owner = new pg.Client({ connectionString: databaseUrl });
      await owner.connect();
      try {
        const purged = await until(30_000, async () => {
          const { rows } = await owner.query<{ body: string }>(
            `select body from identity.outbox where to_email = 'a@b.test'`,
          );
          return rows.length === 1 && !rows[0]!.body.includes('SECRETTOKEN123');
        });
        expect(purged).toBe(true);
      } finally {
        await owner.end();
      }
    } finally {
      await queue.close();
    }
  }, 60_000);
});
