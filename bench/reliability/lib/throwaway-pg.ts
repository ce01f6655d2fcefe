import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateToLatest } from '../../../migrations/migrator';
import { freePort } from './gateway';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL 15 cluster of its own (initdb into a temporary directory, trust auth, a free port),
 * for scenarios that stop and restart Postgres for real. The shared cluster on 5432 is never
 * touched. Postgres refuses to run as root: as root the cluster runs as the `postgres` user.
 */
export interface ThrowawayPg {
  /** Owner URL of the migrated database `fig`. */
  url: string;
  port: number;
  /** pg_ctl stop -m fast (every connection dropped, new ones refused). */
  stop(): Promise<void>;
  /** pg_ctl start, waiting until it accepts connections. */
  start(): Promise<void>;
  /** Stop and remove the cluster. */
  destroy(): Promise<void>;
}

/** Start a throwaway cluster and migrate a `fig` database in it. */
export async function startThrowawayPg(): Promise<ThrowawayPg> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fig-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const run = (bin: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(BIN, bin), ...args], { stdio: 'ignore' }) : execFileSync(path.join(BIN, bin), args, { stdio: 'ignore' });
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  // Sockets in the data directory (not /var/run/postgresql, shared with the main cluster); fsync off: a test cluster.
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${data} -c fsync=off -c max_connections=200`;
  const start = async () => void run('pg_ctl', ['-D', data, '-o', opts, '-w', '-t', '60', '-l', path.join(dir, 'log'), 'start']);
  const stop = async () => void run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  await start();
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('create database fig');
  await admin.end();
  const url = `postgres://postgres@127.0.0.1:${port}/fig`;
  await migrateToLatest(url);
  return {
    url,
    port,
    stop,
    start,
    destroy: async () => {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
