import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../migrations/migrator';

declare module 'vitest' {
  export interface ProvidedContext {
    runId: string;
    templateDb: string;
    adminDatabaseUrl: string;
    legacyUrl: string;
  }
}

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const LEGACY_DIR = path.resolve(import.meta.dirname, '../infra/legacy-fastapi');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitFor(url: string, ms: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`legacy service exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`legacy service did not answer ${url} within ${ms} ms`);
}

/** Start the real legacy FastAPI service on a free port (or `fixedPort`, to restart it where it was) with its own fresh SQLite file (with the _diag test routes). */
export async function startLegacy(fixedPort?: number): Promise<{ url: string; pid: number | undefined; stop: () => Promise<void> }> {
  const port = fixedPort ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), 'fig-legacy-'));
  const child = spawn('/usr/bin/python3', ['-m', 'legacy_fastapi'], {
    cwd: LEGACY_DIR,
    env: { ...process.env, LEGACY_PORT: String(port), LEGACY_HOST: '127.0.0.1', LEGACY_DB_PATH: path.join(dir, 'legacy.sqlite3'), LEGACY_LOG_LEVEL: 'warning', LEGACY_DIAG: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/health`, 60_000, child);
  return {
    url,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const templateDb = `fig_tpl_${runId}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(err as Error).message}). Run scripts/ensure-services.sh or docker compose up -d postgres redis`,
      { cause: err },
    );
  }
  await admin.end();
  const tplUrl = new URL(ADMIN_URL);
  tplUrl.pathname = `/${templateDb}`;
  await migrateToLatest(tplUrl.toString());

  let legacy: Awaited<ReturnType<typeof startLegacy>> | undefined;
  if (existsSync(path.join(LEGACY_DIR, 'legacy_fastapi'))) legacy = await startLegacy();

  project.provide('runId', runId);
  project.provide('templateDb', templateDb);
  project.provide('adminDatabaseUrl', ADMIN_URL);
  project.provide('legacyUrl', legacy?.url ?? 'http://127.0.0.1:9');

  return async () => {
    await legacy?.stop();
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    const { rows } = await c.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 or datname = $2`,
      [`fig_t_${runId}_%`, templateDb],
    );
    for (const { datname } of rows) {
      await c.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
    }
    await c.end();
  };
}
