/**
 * Engine-only timing loop for profiling (no Python side):
 *   node --cpu-prof --import tsx bench/engine/profile.ts employees.csv [repeats] [--tape]
 */
import { readFileSync } from 'node:fs';
import { compilePlan, evaluateBatch } from '../../modules/engine/index';
import { parseCsv } from '../../modules/core/csv';

const csvPath = process.argv[2] as string;
const repeats = Number(process.argv[3] ?? 5);
const tape = process.argv.includes('--tape');
const plan = compilePlan(JSON.parse(readFileSync(new URL('../../modules/plans/seeds/legacy-equivalent.json', import.meta.url), 'utf8')));
const [header, ...records] = parseCsv(readFileSync(csvPath, 'utf8'));
if (header === undefined) throw new Error('empty CSV');
const rows = records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
evaluateBatch(plan, rows.slice(0, 1000), { tape });
for (let k = 0; k < repeats; k++) {
  globalThis.gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = evaluateBatch(plan, rows, { tape });
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  console.log(`${out.length} rows: ${Math.round(out.length / cpu).toLocaleString('en-US')} rows/CPU-s, ${Math.round(out.length / wall).toLocaleString('en-US')} rows/s wall`);
}
