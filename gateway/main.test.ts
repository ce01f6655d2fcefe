import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, createTestDb, legacyUrl } from '../test/helpers';
import { freePort } from '../test/global-setup';
import { send } from './proxy/client.test-helper';

const BANDS = 'GET /api/v1/admin/revenue-bands';
const root = path.resolve(import.meta.dirname, '..');

interface AccessLine {
  pid: number;
  msg: string;
  url?: string;
  method?: string;
  routeMode?: string;
  statusCode?: number;
  reqId?: string;
}

/** Poll until `ok` holds or the time is up; returns whether it held. */
async function until(ms: number, ok: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ok()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return ok();
}

describe('npm run gateway with GATEWAY_PROCESSES=2', () => {
  let child: ChildProcess;
  let base: string;
  const lines: AccessLine[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'gateway/main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        GATEWAY_PROCESSES: '2',
        LEGACY_URL: legacyUrl(),
        DATABASE_URL: await createTestDb(),
        REDIS_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
        ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        LOG_LEVEL: 'info',
        // Load shedding off, as in test/helpers.ts: a shared test machine can keep a loop busy enough to shed.
        LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0',
        // No periodic reload during the test: a worker can only learn of a flip through pub/sub.
        ROUTE_RELOAD_INTERVAL_MS: '600000',
        // The test is the front proxy: its X-Request-Id marks which access line belongs to which request.
        TRUSTED_PROXIES: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          lines.push(JSON.parse(line) as AccessLine);
        } catch {
          /* not a log line */
        }
      }
    });
    const started = await until(75_000, () => lines.filter((l) => l.msg === 'gateway worker listening').length === 2 || child.exitCode !== null);
    expect(started && child.exitCode === null, 'two workers listening within 75 s').toBe(true);
  }, 90_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      const exited = await until(20_000, () => child.exitCode !== null);
      if (!exited) child.kill('SIGKILL');
    }
  }, 30_000);

  const listening = () => lines.filter((l) => l.msg === 'gateway worker listening') as (AccessLine & { worker: number; workerPid: number })[];
  const workerPids = () => new Set(listening().map((l) => l.workerPid));
  const completed = (pred: (l: AccessLine) => boolean) => lines.filter((l) => l.msg === 'request completed' && pred(l));

  it('runs two worker processes on one port, each answering requests', async () => {
    expect(listening().map((l) => l.worker)).toEqual([1, 2]);
    expect(listening().every((l) => l.pid === child.pid)).toBe(true);
    expect(workerPids().size).toBe(2);
    expect(workerPids().has(child.pid!)).toBe(false);
    // New connections are handed out round-robin: a few requests reach both workers.
    for (let i = 0; i < 6; i++) expect((await send(base, { path: '/healthz' })).status).toBe(200);
    const both = await until(2_000, () => new Set(completed((l) => l.url === '/healthz').map((l) => l.pid)).size === 2);
    expect(both).toBe(true);
    expect(new Set(completed((l) => l.url === '/healthz').map((l) => l.pid))).toEqual(workerPids());
  });

  it('a flip through one worker reaches the other within three seconds (Redis pub/sub, no periodic reload)', async () => {
    const flip = await send(base, {
      method: 'PUT',
      path: `/_fig/routes/${encodeURIComponent(BANDS)}`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'new', reason: 'cluster fan-out test', override: true }),
    });
    expect(flip.status).toBe(200);
    const isFlip = (l: AccessLine) => l.method === 'PUT' && (l.url ?? '').startsWith('/_fig/routes/');
    expect(await until(2_000, () => completed(isFlip).length === 1)).toBe(true);
    const through = completed(isFlip)[0]!.pid;
    const other = [...workerPids()].find((p) => p !== through)!;
    expect(workerPids().has(through)).toBe(true);
    // Keep asking on new connections until the other worker has answered the route in mode new.
    const bands = (l: AccessLine) => l.url === '/api/v1/admin/revenue-bands';
    const flippedStart = Date.now();
    const seen = await until(3_000, async () => {
      await send(base, { path: '/api/v1/admin/revenue-bands' });
      return completed((l) => bands(l) && l.pid === other && l.routeMode === 'new').length > 0;
    });
    expect(seen).toBe(true);
    expect(Date.now() - flippedStart).toBeLessThan(3_000);
    // Once there, it stays there on both workers (log lines arrive in batches: match them by request id).
    const ids = Array.from({ length: 6 }, (_, i) => `cluster-after-${i}`);
    for (const id of ids) expect((await send(base, { path: '/api/v1/admin/revenue-bands', headers: { 'x-request-id': id } })).status).toBe(200);
    const mine = () => lines.filter((l) => l.msg === 'request completed' && ids.includes(l.reqId ?? ''));
    expect(await until(2_000, () => mine().length === 6)).toBe(true);
    const after = mine();
    expect(new Set(after.map((l) => l.pid))).toEqual(workerPids());
    expect(new Set(after.map((l) => l.routeMode))).toEqual(new Set(['new']));
  });
});
