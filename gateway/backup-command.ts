import path from 'node:path';
import type { Config } from './config';
import { backup, restore } from './backup';

/** `backup` / `restore` of the CLI (gateway/cli.ts): the exit code and the lines for the terminal (cli.ts prints them). */
export async function backupCommand(cmd: 'backup' | 'restore', config: Config, values: { out?: string; from?: string; 'database-url'?: string; 'storage-dir'?: string }): Promise<{ code: number; lines: string[] }> {
  const storageDir = values['storage-dir'] ?? config.STORAGE_DIR;
  if (cmd === 'backup') {
    const out = values.out ?? path.join('.fig/backups', new Date().toISOString().replace(/[:.]/g, '-'));
    const m = await backup({ databaseUrl: config.MIGRATION_DATABASE_URL, storageDir, out });
    return { code: 0, lines: [`Backup in ${out}: database (${m.database.sha256.slice(0, 12)}…), ${m.files.length} stored file(s), ${Object.keys(m.auditChains).length} audit chain(s) verified, ${Object.keys(m.runs).length} run hash(es).`] };
  }
  if (!values.from) {
    return { code: 2, lines: ['restore needs --from DIR (a directory written by backup)'] };
  }
  const report = await restore({ from: values.from, databaseUrl: values['database-url'] ?? config.MIGRATION_DATABASE_URL, storageDir });
  return {
    code: report.ok ? 0 : 1,
    lines: [JSON.stringify(report, null, 2), report.ok ? 'Restored and verified: every audit chain intact with its backed-up head, every run hash the same.' : 'Restored, but verification FAILED (see above).'],
  };
}
