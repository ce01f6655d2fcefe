/**
 * Engine benchmark: the legacy Python formula (in-process, no HTTP) against the new engine
 * running the legacy-equivalent plan, on the same generated employees, in one run.
 *
 *   npx tsx bench/engine/run.ts [--employees 100000] [--seed 1] [--repeats 5] [--runs 5]
 *
 * Checks every intermediate is identical, reports rows/s (best and median of N repeats, wall and
 * CPU time), the ratio, and memory per 100k rows; the whole legacy-vs-engine measurement is done
 * `--runs` times (each run: Python's best of N repeats, then the engine's) and the minimum and
 * median of the per-run CPU ratios are the result; writes bench/results/engine.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePlan, evaluateBatch } from '../../modules/engine/index';
import { parseCsv } from '../../modules/core/csv';

// "One core": V8 normally scavenges with helper threads, whose CPU time counts here; run the
// engine side with --single-threaded-gc (like CPython, one thread does all the work) unless
// BENCH_ENGINE_PARALLEL_GC=1. --expose-gc makes the heap figures exact.
if (!process.execArgv.includes('--single-threaded-gc') && process.env.BENCH_ENGINE_PARALLEL_GC !== '1') {
  const child = spawnSync(process.execPath, ['--single-threaded-gc', '--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', cwd: path.resolve(import.meta.dirname, '../..') });
  process.exit(child.status ?? 1);
}
const gcMode = process.execArgv.includes('--single-threaded-gc') ? 'single-threaded GC (`--single-threaded-gc`)' : "V8's default parallel GC";

const ROOT = path.resolve(import.meta.dirname, '../..');
const LEGACY_DIR = path.join(ROOT, 'infra/legacy-fastapi');
const PYTHON = '/usr/bin/python3';
const FIELDS = ['perf_multiplier', 'fund_factor', 'band_multiplier', 'target', 'raw', 'capped', 'bonus'] as const;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const employees = arg('--employees', 100_000);
const seed = arg('--seed', 1);
const repeats = arg('--repeats', 5);
const runs = arg('--runs', 5);

const load0 = loadavg()[0] ?? 0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const dir = mkdtempSync(path.join(tmpdir(), 'fig-bench-engine-'));
const csvPath = path.join(dir, 'employees.csv');
const legacyOut = path.join(dir, 'legacy.jsonl');
const env = { ...process.env, PYTHONPATH: LEGACY_DIR };

console.error(`generating ${employees} employees (seed ${seed})…`);
execFileSync(PYTHON, ['-m', 'legacy_fastapi.gen', '--employees', String(employees), '--seed', String(seed), '--out', csvPath], { cwd: LEGACY_DIR, env });

type PyTiming = { rows: number; wall_best: number; wall_median: number; cpu_best: number; cpu_median: number; peak_bytes: number; maxrss_kib: number };
const timePython = (): PyTiming =>
  JSON.parse(execFileSync(PYTHON, [path.join(ROOT, 'bench/engine/legacy_timing.py'), csvPath, legacyOut, String(repeats)], { cwd: LEGACY_DIR, env, encoding: 'utf8' })) as PyTiming;

const plan = compilePlan(JSON.parse(readFileSync(path.join(ROOT, 'modules/plans/seeds/legacy-equivalent.json'), 'utf8')));
const [header, ...records] = parseCsv(readFileSync(csvPath, 'utf8'));
if (header === undefined) throw new Error('empty CSV');
// Same input shape as the Python side (csv.DictReader): one object of strings per row.
const rows = records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
/** `repeats` timed runs of one mode after a warm-up: wall and CPU seconds. */
function time(tape: boolean): { walls: number[]; cpus: number[] } {
  evaluateBatch(plan, rows.slice(0, 1000), { tape }); // warm-up
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let k = 0; k < repeats; k++) {
    // Collect the previous repeat's results before the clock starts, as the Python side frees its
    // previous results (`results = None`) before its clock starts.
    globalThis.gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = evaluateBatch(plan, rows, { tape });
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
    if (out.length !== rows.length) throw new Error('row count');
  }
  return { walls, cpus };
}
// Each run measures both sides back to back, so a busy machine slows both alike within a run.
const perRun: { py: PyTiming; noTape: { walls: number[]; cpus: number[] }; load: number }[] = [];
for (let r = 0; r < runs; r++) {
  console.error(`run ${r + 1}/${runs}: timing the legacy Python formula, then the engine…`);
  const py = timePython();
  perRun.push({ py, noTape: time(false), load: loadavg()[0] ?? 0 });
}
const last = perRun[perRun.length - 1] as (typeof perRun)[number];
const py = last.py;
const noTape = last.noTape;
const ratios = perRun.map((x) => x.py.cpu_best / Math.min(...x.noTape.cpus));
const minRatio = Math.min(...ratios);
const medianRatio = median(ratios);
const tapeRuns = time(true);
const walls = noTape.walls;
const cpuTimes = noTape.cpus;
// Memory: heap growth while holding one batch's results (tape on and off).
globalThis.gc?.();
const heap0 = process.memoryUsage().heapUsed;
const kept = evaluateBatch(plan, rows, { tape: false });
globalThis.gc?.(); // what is kept, without the garbage made on the way
const heapNoTape = process.memoryUsage().heapUsed - heap0;
const rss = process.memoryUsage().rss;
const withTape = evaluateBatch(plan, rows);
globalThis.gc?.();
const heapTape = process.memoryUsage().heapUsed - heap0 - heapNoTape;

// Identity check: every intermediate, every row.
const legacy = readFileSync(legacyOut, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
let mismatches = 0;
const examples: string[] = [];
for (const [mode, results] of [['outputs only', kept], ['with the tape', withTape]] as const) {
  results.forEach((r, i) => {
    const want = legacy[i] as Record<string, string>;
    for (const f of FIELDS) {
      const got = r.ok ? r.outputs[f] : `error ${r.error.message}`;
      const fromTape = r.ok ? r.tape?.steps.find((st) => st.output === f)?.value : undefined;
      if (got !== want[f] || (mode === 'with the tape' && fromTape !== want[f])) {
        mismatches++;
        if (examples.length < 5) examples.push(`${mode}: ${want.employee_id}.${f}: engine ${got} legacy ${want[f]}`);
      }
    }
  });
}

const n = py.rows;
const scale = 100_000 / n;
const pyBest = n / py.wall_best;
const jsBest = n / Math.min(...walls);
const pyCpu = n / py.cpu_best;
const jsCpu = n / Math.min(...cpuTimes);
const tapeCpu = n / Math.min(...tapeRuns.cpus);
const table = `# Engine benchmark: legacy Python formula vs new engine

Generated by \`npx tsx bench/engine/run.ts --employees ${employees} --seed ${seed} --repeats ${repeats} --runs ${runs}\` on ${new Date().toISOString().slice(0, 10)}
(${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cores, Node ${process.version} with ${gcMode}, Python ${execFileSync(PYTHON, ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' }).trim()}).
Same ${fmt(n)} generated employees (\`python3 -m legacy_fastapi.gen\`, edge cases included) for both sides.
Legacy: \`legacy_fastapi.formula.calculate(rows)\` called in-process (C \`decimal\`), results as Decimals.
New: \`evaluateBatch(compilePlan(legacy-equivalent.json), rows, { tape })\`, every output (all ${FIELDS.length} intermediates) as
canonical strings. **Headline: the legacy \`calculate\` (which returns every intermediate, as Decimals) against the
engine producing every intermediate without the explainability tape (\`tape: false\`)**; the engine with the tape
(inputs used, each step's value and condition) is shown too.
Both single-threaded; best of ${repeats} runs after a warm-up (median in brackets). Timing covers the calculation only
(rows already in memory as dicts/objects of strings on both sides; Python's conversion of its Decimals to text is not timed).
Each side frees the previous repeat's results before its clock starts: Python drops them (\`results = None\`, freed at
once by reference counting), the engine side drops them and runs a full collection (\`gc()\`, \`--expose-gc\`).

| engine | rows/s per CPU-second, best | rows/s wall, best (median) | memory per 100k rows |
|---|---:|---:|---:|
| legacy Python \`formula.calculate\` | ${fmt(pyCpu)} | ${fmt(pyBest)} (${fmt(n / py.wall_median)}) | ${(py.peak_bytes * scale / 1e6).toFixed(1)} MB (tracemalloc peak of one run) |
| new engine, outputs only (\`tape: false\`) | ${fmt(jsCpu)} | ${fmt(jsBest)} (${fmt(n / median(walls))}) | ${(heapNoTape * scale / 1e6).toFixed(1)} MB heap for the results; process RSS ${(rss / 1e6).toFixed(0)} MB |
| new engine, with the tape | ${fmt(tapeCpu)} | ${fmt(n / Math.min(...tapeRuns.walls))} (${fmt(n / median(tapeRuns.walls))}) | +${(heapTape * scale / 1e6).toFixed(1)} MB heap for the tapes |
| **ratio new (outputs only) / legacy** | **${(jsCpu / pyCpu).toFixed(2)}×** | ${(jsBest / pyBest).toFixed(2)}× (${(n / median(walls) / (n / py.wall_median)).toFixed(2)}×) | |
| ratio new (with the tape) / legacy | ${(tapeCpu / pyCpu).toFixed(2)}× | ${(n / Math.min(...tapeRuns.walls) / pyBest).toFixed(2)}× | |

CPU time (process CPU seconds: Python \`time.process_time\`, Node \`process.cpuUsage\`, which counts every
thread; the engine ran with ${gcMode}) is the headline because it is what "one core" costs and it is robust when the machine is
busy; wall-clock figures are only meaningful on an idle machine (1-minute load average at the start of this run: ${load0.toFixed(2)}, at the end: ${(loadavg()[0] ?? 0).toFixed(2)}).

Identical results: **${mismatches === 0 ? `yes — all ${fmt(n * FIELDS.length)} intermediates (${FIELDS.join(', ')}) equal to the last digit, with and without the tape` : `NO — ${mismatches} differences`}**.
${examples.map((e) => `- ${e}`).join('\n')}
Target: new engine (outputs only) ≥ 2× legacy on one core (CPU time) — **${jsCpu / pyCpu >= 2 ? 'met' : 'not met'}** in the last run (the table above).

## ${runs} runs

Each run times Python (best of ${repeats} repeats) and then the engine, outputs only (best of ${repeats}), back to back.

| run | legacy rows/CPU-s | engine rows/CPU-s | ratio | 1-min load after the run |
|---:|---:|---:|---:|---:|
${perRun.map((x, i) => `| ${i + 1} | ${fmt(n / x.py.cpu_best)} | ${fmt(n / Math.min(...x.noTape.cpus))} | ${(ratios[i] as number).toFixed(2)}× | ${x.load.toFixed(2)} |`).join('\n')}

**Ratio over ${runs} runs: minimum ${minRatio.toFixed(2)}×, median ${medianRatio.toFixed(2)}×** (targets: minimum ≥ 2× — ${minRatio >= 2 ? 'met' : 'not met'}; median ≥ 2.5× — ${medianRatio >= 2.5 ? 'met' : 'not met'}).
`;
mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench/results/engine.md'), table);
console.log(table);
if (mismatches > 0) process.exitCode = 1;
