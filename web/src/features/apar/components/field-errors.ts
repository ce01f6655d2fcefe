import { ApiError } from '../../../lib/api-client';

/** The server's message for exactly one field path (`lines[0].quantity` matches `body.lines[0].quantity`). */
export function errorAt(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.errors.find((e) => e.path === path || e.path === `body.${path}`)?.message;
}
