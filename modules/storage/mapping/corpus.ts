import { readFileSync } from 'node:fs';
import { IDENTITY_TARGETS } from './synonyms';
import { kindOfInput, suggestMapping, type MappingTarget } from './suggest';

/** One committed header set: a plan's inputs, a file's header and sample rows, and the mapping a person chose. */
export interface CorpusCase {
  name: string;
  inputs: { name: string; type: string | null }[];
  headers: string[];
  rows: string[][];
  expected: Record<string, string | null>;
}

export interface CorpusResult {
  cases: number;
  columns: number;
  correct: number;
  accuracy: number;
  misses: { case: string; column: string; expected: string | null; got: string | null; confidence: number }[];
}

/** The mapping targets of a plan: the identity targets, then its inputs. */
export function targetsFor(inputs: { name: string; type: string | null; label?: string | null; description?: string }[]): MappingTarget[] {
  return [
    { key: 'employee_id', labels: [], kind: 'id' },
    { key: 'name', labels: [], kind: 'text' },
    { key: 'department', labels: [], kind: 'text' },
    ...inputs
      .filter((i) => !(IDENTITY_TARGETS as readonly string[]).includes(i.name))
      .map((i) => ({ key: i.name, labels: [i.label, i.description].filter((l): l is string => !!l), kind: kindOfInput(i.name, i.type) })),
  ];
}

export function loadCorpus(file: URL = new URL('../fixtures/mapping-corpus.json', import.meta.url)): CorpusCase[] {
  return JSON.parse(readFileSync(file, 'utf8')) as CorpusCase[];
}

/** Suggest a mapping for every case and count the columns whose suggestion equals the expected target (null included). */
export function measureCorpus(cases: CorpusCase[]): CorpusResult {
  let columns = 0;
  let correct = 0;
  const misses: CorpusResult['misses'] = [];
  for (const c of cases) {
    const samples = c.headers.map((column, i) => ({ column, samples: c.rows.map((r) => r[i] ?? '') }));
    for (const s of suggestMapping(samples, targetsFor(c.inputs))) {
      columns++;
      const expected = c.expected[s.column] ?? null;
      if (s.target === expected) correct++;
      else misses.push({ case: c.name, column: s.column, expected, got: s.target, confidence: s.confidence });
    }
  }
  return { cases: cases.length, columns, correct, accuracy: columns ? correct / columns : 0, misses };
}
