import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { countCell, emptyStats, type ColumnStats } from '../../core/cell-number';
import type { RawRow } from './read-rows';

/**
 * COPY an upload's rows (through a temporary table) into runs.upload_rows in one tenant transaction on its own connection
 * (the app role, RLS on): earlier rows of the upload are deleted first, so a retried job loads
 * exactly once. `fields` keeps every cell by header; `inputs` stays {} (a mapping is applied by the
 * run's threads as they read, ADR 0029). Per column, the cells a validation could fault are counted
 * on the way (ColumnStats) and handed to `onDone`.
 * Lines are batched into ~64 KiB chunks; the COPY stream's backpressure paces the reader.
 */
export async function copyRows(
  databaseUrl: string,
  target: { tenantId: string; uploadId: number; headers: string[] },
  rows: AsyncIterable<RawRow>,
  onDone: (client: pg.Client, rowCount: number, stats: Record<string, ColumnStats>) => Promise<void>,
): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // A connection Postgres drops between two statements is an 'error' event: heard here, it fails
  // the load (the next statement rejects) instead of crashing the worker process.
  client.on('error', () => undefined);
  await client.connect();
  let count = 0;
  try {
    await client.query('begin');
    await client.query(`select set_config('app.tenant_id', $1, true)`, [target.tenantId]);
    await client.query('set local role fig_app');
    await client.query('delete from runs.upload_rows where upload_id = $1', [target.uploadId]);
    // Postgres refuses COPY FROM into a table with row-level security: COPY into a transaction-local
    // temporary table, then move the rows with one set-based INSERT … SELECT (RLS checks it).
    await client.query('create temporary table upload_rows_load (row_no integer not null, fields jsonb not null) on commit drop');
    const { headers } = target;
    const stats = headers.map(emptyStats);
    async function* lines(): AsyncGenerator<string> {
      let buf = '';
      for await (const row of rows) {
        const fields: Record<string, string> = {};
        for (let i = 0; i < headers.length; i++) {
          const cell = String(row.cells[i] ?? '');
          fields[headers[i]!] = cell;
          countCell(stats[i]!, cell);
        }
        // JSON text has no raw tab, newline or carriage return (JSON escapes them): only backslashes need escaping.
        const json = JSON.stringify(fields);
        buf += `${row.rowNo}\t${json.includes('\\') ? json.replace(/\\/g, '\\\\') : json}\n`;
        count++;
        if (buf.length > 65_536) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    }
    const sink = client.query(copyFrom('copy upload_rows_load (row_no, fields) from stdin'));
    await pipeline(Readable.from(lines()), sink);
    await client.query(
      'insert into runs.upload_rows (upload_id, tenant_id, row_no, fields) select $1, $2, row_no, fields from upload_rows_load',
      [target.uploadId, target.tenantId],
    );
    await onDone(client, count, Object.fromEntries(headers.map((h, i) => [h, stats[i]!])));
    await client.query('commit');
    return count;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
