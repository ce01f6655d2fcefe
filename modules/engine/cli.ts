/**
 * Engine command line, for tools and for checking the engine from outside.
 *
 *   npm run -s engine -- eval            JSON lines {"expr": "...", "vars": {"x": "1.25"}} on stdin →
 *                                        one line {"value": "..."} or {"error": "..."} per input line (blank ones too), in order
 *   npm run -s engine -- run --plan plan.json --csv rows.csv [--out results.csv]
 *                                        evaluate a plan over a CSV: every input column, every output, error
 *   npm run -s engine -- functions       the function catalog as JSON
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { csvLine, parseCsv } from '../core/csv';
import { CATALOG_VERSION, DslCheckError, FUNCTION_CATALOG, compileExpression, compilePlan, evaluateBatch, formatProblem, type CompiledExpression } from './index';

const FLUSH_AT = 64 * 1024;

/** Buffered writer that honours backpressure. */
function bufferedWriter(out: Writable) {
  let buf = '';
  const flush = async () => {
    if (buf === '') return;
    const chunk = buf;
    buf = '';
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  return {
    write: async (s: string) => {
      buf += s;
      if (buf.length >= FLUSH_AT) await flush();
    },
    flush,
  };
}

const MAX_CACHE = 10_000;

/** Evaluate one JSON line; never throws. */
function evalLine(line: string, cache: Map<string, CompiledExpression | Error>): string {
  let req: unknown;
  try {
    req = JSON.parse(line);
  } catch {
    return JSON.stringify({ error: 'malformed JSON line' });
  }
  if (typeof req !== 'object' || req === null || typeof (req as { expr?: unknown }).expr !== 'string') {
    return JSON.stringify({ error: 'expected an object with "expr" (string) and optional "vars" (object of decimal strings)' });
  }
  const { expr, vars } = req as { expr: string; vars?: unknown };
  if (vars !== undefined && (typeof vars !== 'object' || vars === null || Array.isArray(vars))) {
    return JSON.stringify({ error: '"vars" must be an object of decimal strings' });
  }
  let compiled = cache.get(expr);
  if (compiled === undefined) {
    try {
      compiled = compileExpression(expr);
    } catch (err) {
      compiled = err as Error;
    }
    if (cache.size >= MAX_CACHE) cache.clear();
    cache.set(expr, compiled);
  }
  if (compiled instanceof Error) return JSON.stringify({ error: compiled.message });
  try {
    return JSON.stringify({ value: compiled.run((vars ?? {}) as Record<string, string>) });
  } catch (err) {
    return JSON.stringify({ error: (err as Error).message });
  }
}

const EMPTY_LINE = JSON.stringify({ error: 'empty line' });

async function evalCommand(): Promise<number> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out = bufferedWriter(process.stdout);
  const cache = new Map<string, CompiledExpression | Error>();
  for await (const line of rl) {
    // A blank line still gets its answer: output line N always belongs to input line N.
    await out.write((line.trim() === '' ? EMPTY_LINE : evalLine(line, cache)) + '\n');
  }
  await out.flush();
  return 0;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function runCommand(args: string[]): Promise<number> {
  const planPath = option(args, '--plan');
  const csvPath = option(args, '--csv');
  const outPath = option(args, '--out');
  if (planPath === undefined || csvPath === undefined) {
    console.error('usage: engine run --plan plan.json --csv rows.csv [--out results.csv]');
    return 2;
  }
  let plan;
  try {
    plan = compilePlan(JSON.parse(readFileSync(planPath, 'utf8')));
  } catch (err) {
    if (err instanceof DslCheckError) {
      console.error(`${planPath}: ${err.problems.length} problem(s)\n${err.problems.map(formatProblem).join('\n')}`);
      return 1;
    }
    console.error(`${planPath}: ${(err as Error).message}`);
    return 1;
  }
  const [header, ...records] = parseCsv(readFileSync(csvPath, 'utf8'));
  if (header === undefined) {
    console.error(`${csvPath}: empty file`);
    return 1;
  }
  const rows = records.map((r) => new Map(header.map((h, i) => [h, r[i] ?? ''])));
  const results = evaluateBatch(plan, rows, { tape: false });
  const outputs = plan.definition.steps.map((s) => s.output);
  const stream = outPath === undefined ? process.stdout : createWriteStream(outPath);
  const out = bufferedWriter(stream);
  await out.write(csvLine([...header, ...outputs, 'error']));
  let failed = 0;
  for (let i = 0; i < results.length; i++) {
    const res = results[i]!;
    const cells = records[i]!;
    const base = header.map((_, j) => cells[j] ?? '');
    if (res.ok) await out.write(csvLine([...base, ...outputs.map((o) => res.outputs[o] ?? ''), '']));
    else {
      failed++;
      await out.write(csvLine([...base, ...outputs.map(() => ''), res.error.step === null ? res.error.message : `${res.error.step}: ${res.error.message}`]));
    }
  }
  await out.flush();
  if (stream !== process.stdout) await new Promise<void>((resolve) => stream.end(resolve));
  if (outPath !== undefined) console.error(`${results.length} rows, ${failed} with errors → ${outPath}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'eval') return evalCommand();
  if (command === 'run') return runCommand(rest);
  if (command === 'functions') {
    process.stdout.write(JSON.stringify({ version: CATALOG_VERSION, functions: FUNCTION_CATALOG }, null, 2) + '\n');
    return 0;
  }
  console.error('usage: engine eval | engine run --plan plan.json --csv rows.csv [--out results.csv] | engine functions');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
