import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, withTenant, type Db } from '../../modules/core/db';
import { recordAudit } from '../../modules/audit/index';
import { backup, restore, runResultsHash, type BackupManifest } from '../../gateway/backup';
import { createTestDb } from '../helpers';

// npm run fig -- backup / restore: a real pg_dump/pg_restore into a fresh database, then the audit
// chain and a run's results hash verified against the backup's manifest.
describe('backup and restore', () => {
  let sourceUrl: string;
  let db: Db;
  const work = mkdtempSync(path.join(os.tmpdir(), 'fig-backup-'));
  const storage = path.join(work, 'storage');
  const restored: string[] = [];
  const tenant = randomUUID();
  let runId: number;

  beforeAll(async () => {
    sourceUrl = await createTestDb();
    db = createDb(sourceUrl, { max: 2 });
    for (let i = 0; i < 5; i++) {
      await withTenant(db, tenant, (trx) => recordAudit(trx, { tenantId: tenant, actor: 'test', action: 'plan.update', entity: 'plan', entityId: String(i), after: { amount: `${i}.10` } }));
    }
    const upload = await sql<{ id: number }>`insert into runs.uploads (tenant_id, filename, row_count, sha256) values (${tenant}, 'e.csv', 3, ${'a'.repeat(64)}) returning id`.execute(db);
    const run = await sql<{ id: number }>`insert into runs.runs (tenant_id, upload_id, employee_count) values (${tenant}, ${upload.rows[0]!.id}, 3) returning id`.execute(db);
    runId = run.rows[0]!.id;
    for (let row = 1; row <= 3; row++) {
      await sql`insert into runs.run_results (run_id, tenant_id, row_no, employee_id, outputs) values (${runId}, ${tenant}, ${row}, ${`E${row}`}, ${JSON.stringify({ bonus: `${row}000.50` })})`.execute(db);
    }
    mkdirSync(path.join(storage, 'uploads'), { recursive: true });
    writeFileSync(path.join(storage, 'uploads', 'e.csv'), 'employee_id,salary\nE1,1000\n');
  });

  afterAll(async () => {
    await db?.destroy();
    const admin = new pg.Client({ connectionString: sourceUrl.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    for (const name of restored) await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  });

  const freshUrl = () => {
    const name = `fig_restore_${randomBytes(4).toString('hex')}`;
    restored.push(name);
    const u = new URL(sourceUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };

  it('restores into a fresh database with the audit chain and the run hash intact, and the stored files back', async () => {
    const out = path.join(work, 'b1');
    const manifest = await backup({ databaseUrl: sourceUrl, storageDir: storage, out });
    expect(manifest.auditChains[tenant]).toMatchObject({ checked: 5, headSeq: 5 });
    expect(manifest.runs[String(runId)]).toBe(await runResultsHash(db, runId));
    expect(manifest.files.map((f) => f.path)).toEqual([path.join('uploads', 'e.csv')]);

    const target = freshUrl();
    const restoredStorage = path.join(work, 'restored-storage');
    const report = await restore({ from: out, databaseUrl: target, storageDir: restoredStorage });
    expect(report.ok).toBe(true);
    expect(report.auditChains[tenant]).toEqual({ ok: true, checked: 5, headHash: manifest.auditChains[tenant]!.headHash, matchesBackup: true });
    expect(report.runs[String(runId)]).toEqual({ hash: manifest.runs[String(runId)], matchesBackup: true });
    expect(readFileSync(path.join(restoredStorage, 'uploads', 'e.csv'), 'utf8')).toBe('employee_id,salary\nE1,1000\n');
  }, 120_000);

  it('refuses a backup whose stored file was altered, and a target database that is not empty', async () => {
    const out = path.join(work, 'b2');
    await backup({ databaseUrl: sourceUrl, storageDir: storage, out });
    await expect(restore({ from: out, databaseUrl: sourceUrl, storageDir: path.join(work, 'x') })).rejects.toThrow(/is not empty/);
    writeFileSync(path.join(out, 'files', 'uploads', 'e.csv'), 'employee_id,salary\nE1,9999\n');
    await expect(restore({ from: out, databaseUrl: freshUrl(), storageDir: path.join(work, 'y') })).rejects.toThrow(/does not match its checksum/);
  }, 120_000);

  it('reports a restored run whose results differ from the backup', async () => {
    const out = path.join(work, 'b3');
    const manifest: BackupManifest = await backup({ databaseUrl: sourceUrl, storageDir: storage, out });
    const tampered = { ...manifest, runs: { [String(runId)]: 'f'.repeat(64) } };
    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(tampered));
    const report = await restore({ from: out, databaseUrl: freshUrl(), storageDir: path.join(work, 'z') });
    expect(report.ok).toBe(false);
    expect(report.runs[String(runId)]!.matchesBackup).toBe(false);
  }, 120_000);
});
