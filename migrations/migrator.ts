import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, Migrator, PostgresDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Every `NNNN_verb_noun.ts` beside this file, imported by our own code (so tsx and vitest both load TypeScript). */
export class FolderProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await fs.readdir(here)).filter((f) => /^\d{4}_[a-z0-9_]+\.ts$/.test(f)).sort();
    const out: Record<string, Migration> = {};
    for (const f of files) out[f.replace(/\.ts$/, '')] = (await import(path.join(here, f))) as Migration;
    return out;
  }
}

/** Create the database named in `databaseUrl` if it does not exist (connects to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** Run every pending migration in migrations/ (forward only). Returns the names applied. */
export async function migrateToLatest(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  // Migrations use Kysely<any>, never the app's table types (they describe a moment in history).
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }) });
  try {
    // Serialise concurrent migrators (several gateways starting at once).
    await sql`select pg_advisory_lock(7261001)`.execute(db);
    const migrator = new Migrator({
      db,
      provider: new FolderProvider(),
      allowUnorderedMigrations: true,
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error');
      throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? error}`, { cause: error });
    }
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  } finally {
    await db.destroy();
  }
}
