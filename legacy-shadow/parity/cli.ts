/**
 * Engine parity from the command line (talks to the database and the legacy service directly):
 *
 *   npx tsx legacy-shadow/parity/cli.ts run --historical all|ID,ID [--generated N --seed S [--pool P]] [--tenant UUID] [--name "..."] [--json]
 *   npx tsx legacy-shadow/parity/cli.ts show REPORT_ID [--tenant UUID] [--json]
 *
 * One report per source given. Runs inline (no worker needed). Exit codes: 0 every Gate A passed ·
 * 1 a report failed or its Gate A failed · 2 usage error.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../modules/core/config';
import { createDb } from '../../modules/core/db';
import { migrateToLatest } from '../../migrations/migrator';
import { createReport, getReport, type ParityReport, type ReportSource } from '../../modules/parity/index';
import { parityRunner } from './index';

const DEMO_TENANT = '00000000-0000-4000-8000-00000000ac3e';
const USAGE = `Usage:
  npx tsx legacy-shadow/parity/cli.ts run --historical all|ID,ID [--generated N --seed S [--pool P]] [--tenant UUID] [--name TEXT] [--json]
  npx tsx legacy-shadow/parity/cli.ts show REPORT_ID [--tenant UUID] [--json]
Tenant defaults to the demo tenant Acme (${DEMO_TENANT}).`;

function print(r: ParityReport): void {
  const lines = [
    `Report ${r.id}  "${r.name}"  ${r.status}${r.error ? `: ${r.error}` : ''}`,
    `  employees ${r.employees}  matched ${r.matched}  mismatched ${r.mismatched} (${r.withinTolerance} within tolerance)  match rate ${r.matchRate ?? '-'}  max difference ${r.maxAbsDiff}  ${r.durationMs ?? '-'} ms`,
    ...Object.entries(r.byOutput).map(
      ([o, s]) =>
        `  ${o.padEnd(16)} compared ${String(s.compared).padStart(7)}  mismatched ${String(s.mismatched).padStart(6)}  over tolerance ${String(s.overTolerance).padStart(6)}  max ${s.maxAbsDiff}`,
    ),
    `  Gate A: ${r.gateA ? (r.gateA.passed ? 'PASSED' : 'FAILED') : '-'}`,
    ...(r.gateA?.checks ?? []).map((c) => `    ${c.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
    ...(r.signedOffBy ? [`  signed off by ${r.signedOffBy} at ${r.signedOffAt}: ${r.signOffNote}`] : []),
  ];
  console.log(lines.join('\n'));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      historical: { type: 'string' },
      generated: { type: 'string' },
      seed: { type: 'string', default: '1' },
      pool: { type: 'string' },
      tenant: { type: 'string', default: DEMO_TENANT },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [cmd, arg] = positionals;
  if (values.help || !cmd) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadConfig();
  const db = createDb(config.APP_DATABASE_URL, { max: 2 });
  const log = pino({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  try {
    await migrateToLatest(config.MIGRATION_DATABASE_URL);
    if (cmd === 'show') {
      if (!arg) throw new UsageError('show needs a report id');
      const r = await getReport(db, values.tenant, arg);
      if (values.json) console.log(JSON.stringify(r, null, 2));
      else print(r);
      return 0;
    }
    if (cmd !== 'run') throw new UsageError(`unknown command ${cmd}`);
    const sources: ReportSource[] = [];
    if (values.historical) {
      const ids =
        values.historical === 'all' ? 'all' : values.historical.split(',').map((s) => Number(s.trim()));
      if (ids !== 'all' && ids.some((n) => !Number.isInteger(n) || n <= 0))
        throw new UsageError('--historical takes "all" or batch ids like 1,2,3');
      sources.push({ kind: 'historical', batchIds: ids });
    }
    if (values.generated) {
      const employees = Number(values.generated);
      const seed = Number(values.seed);
      if (!Number.isInteger(employees) || employees < 1 || !Number.isInteger(seed) || seed < 0)
        throw new UsageError('--generated N and --seed S must be whole numbers');
      sources.push({ kind: 'generated', employees, seed, poolAmount: values.pool ?? null });
    }
    if (sources.length === 0) throw new UsageError('run needs --historical and/or --generated');
    let ok = true;
    const out: ParityReport[] = [];
    for (const source of sources) {
      const name =
        values.name ??
        (source.kind === 'historical'
          ? `historical ${JSON.stringify(source.batchIds)}`
          : source.kind === 'generated'
            ? `generated ${source.employees} seed ${source.seed}`
            : 'rows');
      const { report } = await createReport(
        { db, config, log, runner: parityRunner },
        { tenantId: values.tenant, name, source, actor: 'cli', inline: true },
      );
      out.push(report);
      ok &&= report.status === 'done' && report.gateA?.passed === true;
      if (!values.json) print(report);
    }
    if (values.json) console.log(JSON.stringify(out, null, 2));
    return ok ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error((err as Error).message);
    process.exit(1);
  },
);
