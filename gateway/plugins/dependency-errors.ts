/**
 * Errors that mean a backing service (Postgres, Redis) could not be reached or went away mid-query,
 * as opposed to a bug: the client gets 503 FIG_DEPENDENCY_UNAVAILABLE with Retry-After, never a
 * 500 (docs/reliability.md, "Postgres restarted").
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATE class 08 (connection exception) and the 57P0x shutdown codes: admin_shutdown,
 * crash_shutdown, cannot_connect_now (the server is starting or stopping).
 */
const PG_UNAVAILABLE = /^(08\d{3}|57P0[1-3])$/;

/** Messages node-postgres raises without a code when a connection is lost or cannot be had in time. */
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed/;

/** Whether `err` (or its cause, or one of an AggregateError's) says a backing service is unreachable. */
export function isDependencyUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 3) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code)) return true;
  if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDependencyUnavailable(inner, depth + 1))) return true;
  return isDependencyUnavailable(e.cause, depth + 1);
}

/** Seconds a client is asked to wait before retrying after a dependency outage. */
export const DEPENDENCY_RETRY_AFTER_S = 5;
