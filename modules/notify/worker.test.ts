import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../test/helpers';
import { ResendCapture } from '../../test/resend-capture';

const root = path.resolve(import.meta.dirname, '../..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function until(ms: number, ok: () => Promise<boolean> | boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ok()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return ok();
}

describe('npm run worker delivers the outbox through Resend', () => {
  let child: ChildProcess;
  let owner: pg.Client;
  const capture = new ResendCapture('re_worker_key');
  let started = false;

  beforeAll(async () => {
    await capture.start();
    const databaseUrl = await createTestDb();
    owner = new pg.Client({ connectionString: databaseUrl });
    await owner.connect();
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'gateway/worker.ts')], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        REDIS_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
        LOG_LEVEL: 'info',
        RESEND_API_KEY: capture.apiKey,
        RESEND_BASE_URL: capture.url,
        PUBLIC_URL: 'https://fig.example.test',
        MAIL_MAX_ATTEMPTS: '3',
        MAIL_BACKOFF_MS: '100',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (chunk.includes('worker started')) started = true;
    });
    expect(await until(60_000, () => started)).toBe(true);
  }, 90_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await owner?.end();
    await capture.close();
  });

  const enqueue = async (to: string, token: string) => {
    const { rows } = await owner.query<{ id: string }>(
      `insert into identity.outbox (kind, to_email, subject, body, payload)
       values ('verify_email', $1, 'Confirm', 'Open /app/verify-email#token=' || $2, '{}') returning id`,
      [to, token],
    );
    return rows[0]!.id;
  };

  it('sends a new outbox mail once, retries a flaky provider with backoff, and dead-letters one that keeps failing', async () => {
    const ok = await enqueue('ok@worker.test', 'TOKEN_OK');
    capture.failWith({ status: 503, name: 'service_unavailable', times: 2, to: 'flaky@worker.test' });
    const flaky = await enqueue('flaky@worker.test', 'TOKEN_FLAKY');
    capture.failWith({ status: 500, name: 'internal_server_error', to: 'down@worker.test' });
    const down = await enqueue('down@worker.test', 'TOKEN_DOWN');

    const status = async (id: string) =>
      (
        await owner.query<{ status: string; attempts: number }>(
          'select status, attempts from notify.deliveries where outbox_id = $1',
          [id],
        )
      ).rows[0];
    expect(
      await until(
        30_000,
        async () =>
          (await status(ok))?.status === 'sent' &&
          (await status(flaky))?.status === 'sent' &&
          (await status(down))?.status === 'dead',
      ),
    ).toBe(true);

    expect(await status(ok)).toEqual({ status: 'sent', attempts: 1 });
    expect(await status(flaky)).toEqual({ status: 'sent', attempts: 3 });
    expect(await status(down)).toEqual({ status: 'dead', attempts: 3 });
    expect(capture.to('ok@worker.test')).toHaveLength(1);
    expect(capture.to('ok@worker.test')[0]!.body.text).toContain(
      'https://fig.example.test/app/verify-email#token=TOKEN_OK',
    );
    expect(capture.to('flaky@worker.test')).toHaveLength(1);
    expect(capture.to('down@worker.test')).toHaveLength(0);
    const { rows } = await owner.query<{ id: string; sent: boolean }>(
      'select id, sent_at is not null as sent from identity.outbox order by id',
    );
    expect(rows).toEqual([
      { id: ok, sent: true },
      { id: flaky, sent: true },
      { id: down, sent: false },
    ]);
    // Several dispatcher passes ran meanwhile: still one email per message.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(capture.emails).toHaveLength(2);
  }, 60_000);
});
