import { loadConfig, ConfigError } from '../modules/core/config';
import { migrateToLatest } from './migrator';

try {
  const config = loadConfig();
  const applied = await migrateToLatest(config.MIGRATION_DATABASE_URL);
  console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date');
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `migrate failed: ${(err as Error).message}`);
  process.exit(1);
}
