import { createHash } from 'node:crypto';
import { ZipArchive } from 'archiver';
import { xlsxTable } from '../../../core/export-files';
import { table, toCsv } from './cells';
import type { OutputRow, OutputRun } from './types';

/** An XLSX workbook of a run's results: one sheet, every cell text (money stays exact, never a float). */
export function toXlsx(run: OutputRun, rows: OutputRow[]): Promise<Buffer> {
  const { header, body } = table(run, rows);
  return xlsxTable('results', header, body);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The manifest of a bundle: the run and each file's size and SHA-256. */
export function manifest(run: OutputRun, files: Record<string, Buffer>) {
  return {
    run: {
      id: run.id,
      name: run.name,
      status: run.status,
      planId: run.planId,
      planVersion: run.planVersion,
      snapshotHash: run.snapshotHash,
    },
    files: Object.fromEntries(
      Object.entries(files).map(([name, b]) => [name, { bytes: b.length, sha256: sha256(b) }]),
    ),
  };
}

/** A zip of results.csv, results.xlsx and manifest.json (their SHA-256 hashes). */
export async function toZip(run: OutputRun, rows: OutputRow[]): Promise<Buffer> {
  const files = {
    'results.csv': Buffer.from(toCsv(run, rows), 'utf8'),
    'results.xlsx': await toXlsx(run, rows),
  };
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  zip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    zip.on('end', resolve);
    zip.on('error', reject);
  });
  const date = new Date('2000-01-01T00:00:00Z'); // byte-stable bundles: the manifest carries the facts, not the file times
  for (const [name, b] of Object.entries(files)) zip.append(b, { name, date });
  zip.append(Buffer.from(JSON.stringify(manifest(run, files), null, 2) + '\n'), {
    name: 'manifest.json',
    date,
  });
  await zip.finalize();
  await done;
  return Buffer.concat(chunks);
}
