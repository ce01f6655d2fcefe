import { finished } from 'node:stream/promises';
import { CompiledQuery, sql } from 'kysely';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Trx } from './db';

/**
 * Bulk loads with Postgres `COPY … FROM STDIN` (text format) inside a Kysely transaction, so a
 * load commits or rolls back with the rest of the transaction and runs under its tenant and role
 * (RLS `with check` applies to copied rows as to inserted ones).
 */

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const SPECIAL = /[\\\t\n\r]/g;

/** One value in COPY text format: backslash, tab, newline and CR escaped; null is `\N`. */
export function copyValue(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = String(value);
  SPECIAL.lastIndex = 0;
  return SPECIAL.test(text) ? text.replace(SPECIAL, (c) => ESCAPES[c] as string) : text;
}

/** One row in COPY text format (values already escaped by copyValue), with its newline. */
export const copyLine = (values: readonly (string | number | boolean | null)[]): string => `${values.map(copyValue).join('\t')}\n`;

/**
 * Load `text` (lines built with copyLine/copyValue) into `table` (`schema.name`) with `COPY … FROM
 * STDIN` on the transaction's connection. Postgres refuses COPY FROM into a table under row-level
 * security, so the lines go into a temporary table of the same columns (this transaction's own,
 * dropped at commit) and from there into `table` with one `insert … select`, which RLS checks
 * like any insert. A bad row rejects, and the transaction then rolls back.
 */
export async function copyInto(trx: Trx, table: string, columns: readonly string[], text: string | Uint8Array): Promise<void> {
  if (text.length === 0) return;
  if (!/^[a-z_]+\.[a-z_]+$/.test(table) || !columns.every((c) => /^[a-z_]+$/.test(c))) throw new Error(`copyInto: bad table or column name in ${table}`);
  const staging = `copy_${table.replace('.', '_')}`;
  const cols = columns.join(', ');
  await sql.raw(`create temp table if not exists ${staging} (like ${table}) on commit drop`).execute(trx);
  const stream = copyFrom(`copy ${staging} (${cols}) from stdin`);
  // Kysely hands a compiled query's `sql` to pg's client.query as is, and pg runs an object with a
  // `submit` method (pg-copy-streams' query) as a query of its own on that connection: this is how
  // the COPY runs on the very connection that holds the transaction. client.query returns the
  // stream at once; the data written below flows once Postgres answers CopyInResponse.
  await trx.executeQuery(CompiledQuery.raw(stream as unknown as string));
  const done = finished(stream);
  stream.end(text);
  await done;
  await sql.raw(`insert into ${table} (${cols}) select ${cols} from ${staging}; truncate ${staging}`).execute(trx);
}

/**
 * The rows of `query` in COPY text format (`COPY (query) TO STDOUT`) on the transaction's
 * connection, as one buffer: no per-row protocol messages or row objects, the caller (a compute
 * worker) splits the lines itself. The query is run as is: it must not contain caller input
 * other than numbers and quoted literals. RLS applies as to any select.
 */
export async function copyOut(trx: Trx, query: string): Promise<Buffer> {
  const stream = copyTo(`copy (${query}) to stdout`);
  const parts: Buffer[] = [];
  stream.on('data', (b: Buffer) => parts.push(b));
  const done = finished(stream);
  await trx.executeQuery(CompiledQuery.raw(stream as unknown as string));
  await done;
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

const UNESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
/** One field of COPY text output back to its value (`\N` is null; COPY TO emits only these escapes). */
export function copyUnescape(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_, c: string) => UNESCAPES[c] ?? c);
}
