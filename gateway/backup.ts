/**
 * `npm run fig -- backup [--out DIR]` and `restore --from DIR [--database-url URL] [--storage-dir DIR]`:
 * a pg_dump (custom format) of fig's database, a copy of the stored files under STORAGE_DIR, and a
 * manifest with checksums and what a restore must find again: each tenant's audit chain head and
 * each run's results hash. A restore goes into an empty (or new) database in one transaction,
 * checks every file against its checksum, then verifies the audit chains and the run hashes.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb, withTenant, type Db } from '../modules/core/db';
import { canonicalJson, verifyChain } from '../modules/audit/index';

const run = promisify(execFile);

export interface BackupManifest {
  version: 1;
  createdAt: string;
  database: { file: string; sha256: string };
  files: { path: string; sha256: string; bytes: number }[];
  /** Per tenant: events checked and the chain's head hash at backup time. */
  auditChains: Record<string, { checked: number; headSeq: number; headHash: string }>;
  /** Per run id: sha256 of its results in canonical form (runResultsHash). */
  runs: Record<string, string>;
}

export interface VerifyReport {
  auditChains: Record<string, { ok: boolean; checked: number; headHash: string; matchesBackup: boolean }>;
  runs: Record<string, { hash: string; matchesBackup: boolean }>;
  ok: boolean;
}

const sha256 = (buf: Buffer | string) => createHash('sha256').update(buf).digest('hex');

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(full, base) : e.isFile() ? [path.relative(base, full)] : [];
  });
}

/**
 * A run's results hash: sha256 of the canonical JSON of its rows ordered by row number
 * (employee, ok, outputs, error). Any changed, missing or extra result changes it.
 */
export async function runResultsHash(db: Db, runId: number): Promise<string> {
  const rows = await sql<{ row_no: number; employee_id: string; ok: boolean; outputs: unknown; error: unknown }>`
    select row_no, employee_id, ok, outputs, error from runs.run_results where run_id = ${runId} order by row_no`.execute(db);
  return sha256(canonicalJson(rows.rows.map((r) => [r.row_no, r.employee_id, r.ok, r.outputs, r.error ?? null])));
}

/** Audit chains of every tenant and the results hash of every run, as they are in `db` now. */
async function snapshotChecks(db: Db): Promise<Pick<BackupManifest, 'auditChains' | 'runs'>> {
  const auditChains: BackupManifest['auditChains'] = {};
  const tenants = await sql<{ tenant_id: string }>`select distinct tenant_id from audit.events order by 1`.execute(db);
  for (const { tenant_id } of tenants.rows) {
    const report = await withTenant(db, tenant_id, (trx) => verifyChain(trx));
    if (!report.ok) throw new Error(`audit chain of tenant ${tenant_id} is broken at seq ${report.firstBroken?.seq} (${report.firstBroken?.reason}); not backing up evidence that does not verify`);
    auditChains[tenant_id] = { checked: report.checked, headSeq: report.headSeq, headHash: report.headHash };
  }
  const runs: BackupManifest['runs'] = {};
  for (const { id } of (await sql<{ id: number }>`select id from runs.runs order by id`.execute(db)).rows) runs[String(id)] = await runResultsHash(db, id);
  return { auditChains, runs };
}

/** Write a backup of the database at `databaseUrl` (owner connection) and the files under `storageDir` to `out`. */
export async function backup(opts: { databaseUrl: string; storageDir: string; out: string }): Promise<BackupManifest> {
  mkdirSync(opts.out, { recursive: true });
  if (readdirSync(opts.out).length) throw new Error(`${opts.out} is not empty`);
  const db = createDb(opts.databaseUrl, { max: 1 });
  try {
    // Checks first, dump after: an event or a run added in between is in the dump, not in the
    // manifest, and a restore verifies what the manifest names.
    const checks = await snapshotChecks(db);
    const dumpFile = path.join(opts.out, 'database.dump');
    await run('pg_dump', ['--format=custom', '--file', dumpFile, '--dbname', opts.databaseUrl]);
    const filesDir = path.join(opts.out, 'files');
    const files = listFiles(opts.storageDir).map((rel) => {
      const data = readFileSync(path.join(opts.storageDir, rel));
      return { path: rel, sha256: sha256(data), bytes: data.length };
    });
    if (existsSync(opts.storageDir)) cpSync(opts.storageDir, filesDir, { recursive: true });
    const manifest: BackupManifest = { version: 1, createdAt: new Date().toISOString(), database: { file: 'database.dump', sha256: sha256(readFileSync(dumpFile)) }, files, ...checks };
    writeFileSync(path.join(opts.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    await db.destroy();
  }
}

/** Create the target database if it does not exist; refuse one that already holds tables. */
async function emptyTarget(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!exists.rowCount) {
      await client.query(`create database "${name.replace(/"/g, '""')}"`);
      return;
    }
  } finally {
    await client.end();
  }
  const target = new pg.Client({ connectionString: databaseUrl });
  await target.connect();
  try {
    const tables = await target.query(`select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`);
    if ((tables.rows[0] as { n: number }).n > 0) throw new Error(`database ${name} is not empty; restore into a new or empty database`);
  } finally {
    await target.end();
  }
}

/** Restore a backup into `databaseUrl` (new or empty) and its files into `storageDir`, then verify. */
export async function restore(opts: { from: string; databaseUrl: string; storageDir: string }): Promise<VerifyReport> {
  const manifest = JSON.parse(readFileSync(path.join(opts.from, 'manifest.json'), 'utf8')) as BackupManifest;
  const dumpFile = path.join(opts.from, manifest.database.file);
  if (sha256(readFileSync(dumpFile)) !== manifest.database.sha256) throw new Error(`${dumpFile} does not match its checksum in the manifest`);
  for (const f of manifest.files) {
    if (sha256(readFileSync(path.join(opts.from, 'files', f.path))) !== f.sha256) throw new Error(`stored file ${f.path} does not match its checksum in the manifest`);
  }
  await emptyTarget(opts.databaseUrl);
  // One transaction: a failed restore leaves the target empty, never half-restored.
  await run('pg_restore', ['--single-transaction', '--exit-on-error', '--dbname', opts.databaseUrl, dumpFile]);
  if (manifest.files.length) {
    mkdirSync(opts.storageDir, { recursive: true });
    cpSync(path.join(opts.from, 'files'), opts.storageDir, { recursive: true });
  }
  return verifyRestored(opts.databaseUrl, manifest);
}

/** Verify a restored database against a backup's manifest: every audit chain intact with the same head, every run's results hash the same. */
export async function verifyRestored(databaseUrl: string, manifest: BackupManifest): Promise<VerifyReport> {
  const db = createDb(databaseUrl, { max: 1 });
  try {
    const report: VerifyReport = { auditChains: {}, runs: {}, ok: true };
    for (const [tenantId, expected] of Object.entries(manifest.auditChains)) {
      const r = await withTenant(db, tenantId, (trx) => verifyChain(trx));
      const matchesBackup = r.ok && r.headSeq >= expected.headSeq && (r.headSeq !== expected.headSeq || r.headHash === expected.headHash);
      report.auditChains[tenantId] = { ok: r.ok, checked: r.checked, headHash: r.headHash, matchesBackup };
      report.ok &&= r.ok && matchesBackup;
    }
    for (const [runId, expected] of Object.entries(manifest.runs)) {
      const hash = await runResultsHash(db, Number(runId));
      report.runs[runId] = { hash, matchesBackup: hash === expected };
      report.ok &&= hash === expected;
    }
    return report;
  } finally {
    await db.destroy();
  }
}
