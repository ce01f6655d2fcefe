import pino from 'pino';
import { loadConfig } from '../../modules/core/config';
import { createDb } from '../../modules/core/db';
import { createRedis } from '../../modules/core/redis';
import { backfillSessions } from '../../modules/sessions/index';
import { backfillApar } from '../../modules/apar/index';
import { backfillBonus, reverseSyncBonus } from '../../modules/runs/index';
import { reconcileRoute } from './reconcile';
import { prune } from './repo';

const USAGE = `usage: npm run shadow -- <command>
  reconcile "<ROUTE KEY>"        fix drift of a dual-write route (legacy is the truth), close its issues
  backfill-sessions [--overwrite] import every live legacy session into fig's Redis sessions
  backfill apar                  import legacy's customers, vendors, invoices, bills, payments into LEGACY_TENANT (same ids)
  backfill bonus                 copy legacy's uploads, rows, batches, results, scenarios and band versions into
                                 LEGACY_TENANT with the same ids (idempotent); exit 1 when a record could not be mapped
  reverse-sync bonus             before flipping the bonus family back to legacy after writes in new: replay on legacy
                                 every record fig wrote that legacy lacks (exit 1 when one failed or got another id)
  prune                          delete shadow samples and mismatches older than SHADOW_RETENTION_DAYS`;

/** Shadow operations CLI: reconcile, backfill, prune. Talks to Postgres/Redis/legacy directly. */
async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL === 'silent' ? 'silent' : 'warn' });
  const db = createDb(config.APP_DATABASE_URL, { max: 2 });
  const redis = createRedis(config.REDIS_URL);
  try {
    if (cmd === 'reconcile' && rest[0]) {
      const report = await reconcileRoute({ db, redis, config, log }, rest[0]);
      console.log(JSON.stringify(report, null, 2));
      return report.failed ? 1 : 0;
    }
    if (cmd === 'backfill-sessions') {
      const result = await backfillSessions(
        { redis, redisPrefix: config.REDIS_PREFIX, legacyUrl: config.LEGACY_URL },
        { overwrite: rest.includes('--overwrite') },
      );
      console.log(JSON.stringify(result));
      return 0;
    }
    if (cmd === 'backfill' && rest[0] === 'apar') {
      console.log(
        JSON.stringify(
          await backfillApar({ db, log, legacyUrl: config.LEGACY_URL, tenantId: config.LEGACY_TENANT }),
        ),
      );
      return 0;
    }
    if (cmd === 'backfill' && rest[0] === 'bonus') {
      const report = await backfillBonus({ db, legacyUrl: config.LEGACY_URL }, config.LEGACY_TENANT);
      console.log(JSON.stringify(report, null, 2));
      return report.unmapped.length ? 1 : 0;
    }
    if (cmd === 'reverse-sync' && rest[0] === 'bonus') {
      const report = await reverseSyncBonus({ db, legacyUrl: config.LEGACY_URL }, config.LEGACY_TENANT);
      console.log(JSON.stringify(report, null, 2));
      return report.synced.some((s) => s.outcome !== 'same-id') ? 1 : 0;
    }
    if (cmd === 'prune') {
      console.log(JSON.stringify(await prune(db, config.SHADOW_RETENTION_DAYS)));
      return 0;
    }
    console.error(USAGE);
    return 2;
  } finally {
    await db.destroy();
    redis.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
