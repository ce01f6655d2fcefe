/**
 * Setup shared by the benchmarks and probes: a throw-away migrated database and a readiness poll
 * for the processes they start.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest } from '../../migrations/migrator';

/** Postgres admin connection used to create and drop bench databases (same variable as the tests). */
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh database named `<prefix>_<random hex>`, migrated to the latest schema. `drop` removes it
 * (forcing out open connections) and never throws.
 */
export async function createBenchDb(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database "${name}"`);
  const drop = () => adminQuery(`drop database if exists "${name}" with (force)`).catch(() => undefined);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    await migrateToLatest(url.toString());
  } catch (err) {
    await drop();
    throw err;
  }
  return { url: url.toString(), drop };
}

/** Poll `url` every 100 ms until it answers 2xx; fail after `ms`, or at once when `child` has exited. */
export async function waitForOk(url: string, ms: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}
