import { z } from 'zod';
import { badRequest } from './errors';

const CURSOR_MESSAGE = 'is not a cursor from this list: pass nextCursor exactly as returned';

/** The offset inside a cursor made by `page()`, or undefined when the text is not one. */
function decodeCursor(cursor: string): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const base64 = cursor.replace(/-/g, '+').replace(/_/g, '/');
    const parsed = JSON.parse(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))) as { o?: unknown } | null;
    const o = parsed?.o;
    return typeof o === 'number' && Number.isInteger(o) && o >= 0 ? o : undefined;
  } catch {
    return undefined;
  }
}

/** An opaque list cursor; anything `page()` did not produce is a 400 at validation. */
export const PageCursor = z.string().max(200).refine((c) => decodeCursor(c) !== undefined, CURSOR_MESSAGE);

/** Query schema for list endpoints: `limit` (1–200, default 50) and an opaque `cursor`. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: PageCursor.optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export interface Page<T> {
  data: T[];
  total: number;
  hasMore: boolean;
  nextCursor: string | null;
}

/**
 * Decode a cursor produced by `page()` (none: offset 0). A malformed cursor is a 400 problem on
 * `querystring.cursor`, the same one PageQuery gives, also for lists whose schema declares a plain string.
 */
export function cursorOffset(cursor: string | undefined): number {
  if (!cursor) return 0;
  const offset = decodeCursor(cursor);
  if (offset === undefined)
    throw badRequest('1 invalid field(s)', [{ path: 'querystring.cursor', message: CURSOR_MESSAGE, code: 'custom' }], 'FIG_VALIDATION');
  return offset;
}

/** Wrap one fetched slice (at most `limit` rows read from `offset`) into the list envelope. */
export function page<T>(fetched: T[], total: number, offset: number, limit: number): Page<T> {
  const rows = fetched.slice(0, limit);
  const hasMore = offset + rows.length < total;
  return {
    data: rows,
    total,
    hasMore,
    nextCursor: hasMore ? Buffer.from(JSON.stringify({ o: offset + rows.length })).toString('base64url') : null,
  };
}

/**
 * The whole list-endpoint pattern: decode `query.cursor` (400 when malformed), fetch at most
 * `query.limit` rows from that offset (with the total), map each row and wrap them with `page()`.
 */
export async function listPage<R, T>(
  query: { cursor?: string | undefined; limit: number },
  fetch: (offset: number, limit: number) => Promise<{ rows: R[]; total: number }>,
  map: (row: R) => T,
): Promise<Page<T>> {
  const offset = cursorOffset(query.cursor);
  const { rows, total } = await fetch(offset, query.limit);
  return page(rows.map(map), total, offset, query.limit);
}
