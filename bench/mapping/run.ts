/**
 * Column-mapping accuracy on the committed corpus (modules/storage/fixtures/mapping-corpus.json):
 * every column of every header set, suggestion vs the mapping a person chose (null included).
 * Writes bench/results/mapping.md. Usage: node --import tsx bench/mapping/run.ts
 */
import { writeFileSync } from 'node:fs';
import { loadCorpus, measureCorpus } from '../../modules/storage/mapping/corpus';

const result = measureCorpus(loadCorpus());
const pct = (result.accuracy * 100).toFixed(1);
const lines = [
  '# Column mapping suggestions: accuracy',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} by \`node --import tsx bench/mapping/run.ts\` (also asserted ≥ 90 % by modules/storage/mapping/suggest.test.ts).`,
  '',
  'Corpus: `modules/storage/fixtures/mapping-corpus.json` (built by `make-corpus.py` beside it): realistic header sets',
  '(HRIS and payroll exports, hand-kept spreadsheets, abbreviations, units, fiscal-year labels, other languages, a sales',
  'plan with non-legacy inputs) with three sample rows each and the mapping a person would choose; columns that feed',
  'nothing (hire date, e-mail, manager…) are expected to stay unmapped and count too. The corpus was written before',
  'the suggester was run against it and was not tuned afterwards; but the same engineer wrote the corpus and the',
  'synonyms table, so vocabulary overlaps: expect a lower figure on files from other sources.',
  '',
  '| header sets | columns | correct | accuracy |',
  '| ---: | ---: | ---: | ---: |',
  `| ${result.cases} | ${result.columns} | ${result.correct} | **${pct} %** |`,
  '',
  '## Misses',
  '',
  '| header set | column | expected | suggested | confidence |',
  '| --- | --- | --- | --- | ---: |',
  ...result.misses.map((m) => `| ${m.case} | ${m.column} | ${m.expected ?? '(none)'} | ${m.got ?? '(none)'} | ${m.confidence.toFixed(2)} |`),
  '',
];
writeFileSync(new URL('../results/mapping.md', import.meta.url), lines.join('\n'));
console.log(`mapping accuracy: ${result.correct}/${result.columns} = ${pct} % over ${result.cases} header sets`);
