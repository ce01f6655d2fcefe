import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { ZipArchive } from 'archiver';
import ExcelJS from 'exceljs';
import { csvLines, tableHeader, tableRow } from './cells';
import type { OutputRow, OutputRun } from './types';

/** What an export streams from: the run, its output columns, and its results page by page (load.ts openResults). */
export interface ResultSource {
  run: OutputRun;
  columns: string[];
  pages: () => AsyncGenerator<OutputRow[]>;
}

/** A run's results as a CSV stream (RFC 4180, CRLF), one page of rows in memory at a time. */
export function csvStream(src: ResultSource): Readable {
  async function* text(): AsyncGenerator<string> {
    yield csvLines([tableHeader(src.columns)]);
    for await (const page of src.pages()) yield csvLines(page.map((r) => tableRow(src.columns, r)));
  }
  return Readable.from(text(), { objectMode: false });
}

/**
 * A run's results as an XLSX stream: exceljs' streaming writer commits each row as it is added,
 * so the sheet never sits in memory. Every cell is text (money stays exact, never a float).
 */
export function xlsxStream(src: ResultSource): Readable {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'fig';
  const ws = wb.addWorksheet('results', { views: [{ state: 'frozen', ySplit: 1 }] });
  void (async () => {
    const header = ws.addRow(tableHeader(src.columns));
    header.font = { bold: true };
    header.commit();
    for await (const page of src.pages()) for (const r of page) ws.addRow(tableRow(src.columns, r)).commit();
    ws.commit();
    await wb.commit();
  })().catch((err: Error) => out.destroy(err));
  return out;
}

/** Pass a stream through while counting its bytes and hashing them (SHA-256). */
function measured(input: Readable): { stream: Transform; result: () => { bytes: number; sha256: string } } {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  input.on('error', (err) => stream.destroy(err));
  input.pipe(stream);
  return { stream, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

/** The manifest of a bundle: the run and each file's size and SHA-256. */
export function manifest(run: OutputRun, files: Record<string, { bytes: number; sha256: string }>) {
  return {
    run: {
      id: run.id,
      name: run.name,
      status: run.status,
      planId: run.planId,
      planVersion: run.planVersion,
      snapshotHash: run.snapshotHash,
    },
    files,
  };
}

/**
 * A zip of results.csv, results.xlsx and manifest.json (their sizes and SHA-256), streamed: each
 * file is hashed as it goes into the archive, and the manifest is added once both are in.
 */
export function zipStream(src: ResultSource): Readable {
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const date = new Date('2000-01-01T00:00:00Z'); // the manifest carries the facts, not the file times
  void (async () => {
    const files: Record<string, { bytes: number; sha256: string }> = {};
    for (const [name, make] of [
      ['results.csv', csvStream],
      ['results.xlsx', xlsxStream],
    ] as const) {
      const m = measured(make(src));
      const added = new Promise<void>((resolve, reject) => {
        const onEntry = (entry: { name: string }) => {
          if (entry.name !== name) return;
          zip.off('entry', onEntry);
          resolve();
        };
        zip.on('entry', onEntry);
        m.stream.on('error', reject);
      });
      zip.append(m.stream, { name, date });
      await added;
      files[name] = m.result();
    }
    zip.append(Buffer.from(JSON.stringify(manifest(src.run, files), null, 2) + '\n'), {
      name: 'manifest.json',
      date,
    });
    await zip.finalize();
  })().catch((err: Error) => zip.destroy(err));
  return zip;
}
