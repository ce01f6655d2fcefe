import { z } from 'zod';

/** Query schema for list endpoints: `limit` (1–200, default 50) and an opaque `cursor`. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export interface Page<T> {
  data: T[];
  total: number;
  hasMore: boolean;
  nextCursor: string | null;
}

/** Decode a cursor produced by `page()`; a malformed cursor starts from the beginning. */
export function cursorOffset(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    return typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 ? parsed.o : 0;
  } catch {
    return 0;
  }
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
