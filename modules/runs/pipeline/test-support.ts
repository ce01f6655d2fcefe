import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { withTenant } from '../../core/db';
import { findLatestLockedPlan, LEGACY_EQUIVALENT_NAME, seedDemo } from '../../plans/index';
import { createUpload } from '../service/create-upload';
import { computerFor } from '../compute-pool';

const root = path.resolve(import.meta.dirname, '../../..');

/** Test setup: the legacy-equivalent plan (locked) in a tenant; returns its plan version id. */
export async function legacyPlanId(app: FastifyInstance, tenantId: string): Promise<string> {
  await seedDemo(app.db, tenantId, { log: app.log });
  const plan = await withTenant(app.db, tenantId, (trx) => findLatestLockedPlan(trx, tenantId, LEGACY_EQUIVALENT_NAME));
  if (!plan) throw new Error('no legacy-equivalent plan');
  return plan.id;
}

/** A deterministic employee row i (the legacy file's five inputs). */
export function employeeInputs(i: number): Record<string, string> {
  return {
    base_salary: `${50_000 + ((i * 7919) % 150_000)}.${String(i % 100).padStart(2, '0')}`,
    target_pct: `0.${String(5 + (i % 20)).padStart(2, '0')}`,
    performance_score: `0.${(i * 37) % 100}`.replace(/^0\.(\d)$/, '0.0$1'),
    fund_return: `0.0${i % 9}`,
    revenue: `${(i * 104_729) % 9_000_000}`,
  };
}

/** Test setup: an upload of `n` employees through the domain's own use case (the legacy path, status ready). */
export async function makeUpload(app: FastifyInstance, tenantId: string, n: number, broken: (i: number) => boolean = () => false): Promise<number> {
  const rows = Array.from({ length: n }, (_, k) => {
    const inputs = employeeInputs(k + 1);
    if (broken(k + 1)) delete (inputs as Partial<Record<string, string>>).revenue;
    return { row_no: k + 2, employee_id: `E${String(k + 1).padStart(7, '0')}`, name: `Employee ${k + 1}`, department: `D${k % 7}`, inputs };
  });
  const upload = await createUpload({ db: app.db, log: app.log, compute: computerFor(app.db) }, tenantId, {
    filename: 'employees.csv',
    content: Buffer.from(`n=${n}`),
    rows,
    source: 'fig',
  });
  return upload.id;
}

/** Start `npm run worker` (the real process) on a test database and Redis prefix; resolves once it listens to its queues. */
export async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'gateway/worker.ts')], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: process.env.PIPELINE_TEST_LOG ? 'debug' : 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker did not start within 90 s')), 90_000);
    child.stdout!.on('data', (chunk: string) => {
      if (process.env.PIPELINE_TEST_LOG) process.stderr.write(chunk);
      if (chunk.includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the worker exited with ${code}`)));
  });
  child.stdout!.on('data', (chunk: string) => {
    if (process.env.PIPELINE_TEST_LOG) process.stderr.write(chunk);
  });
  return child;
}

/** Poll until `ok` holds or the time is up; returns whether it held. */
export async function until(ms: number, ok: () => Promise<boolean>, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ok()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return ok();
}
