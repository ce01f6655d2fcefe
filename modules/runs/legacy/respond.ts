import type { ModuleResponse } from '../../core/module';

/** Answers in legacy's shapes: JSON bodies, `{"detail": "..."}` errors and 422 `{"detail": [...]}`. */

const JSON_HEADERS = { 'content-type': 'application/json' };

export const json = (status: number, body: unknown): ModuleResponse => ({ status, headers: JSON_HEADERS, body });

/** A FastAPI HTTPException: `{"detail": message}`. */
export const legacyError = (status: number, message: string): ModuleResponse => json(status, { detail: message });

/** A FastAPI validation error: 422 `{"detail": [{loc, msg, type, ...}]}`. */
export const detail = (list: readonly object[]): ModuleResponse => json(422, { detail: list });

export const notFound = (what: 'Upload' | 'Batch' | 'Scenario'): ModuleResponse => legacyError(404, `${what} not found`);

/** legacy's time format: ISO 8601 UTC with milliseconds and a Z (db.utcnow). */
export const legacyTime = (d: Date): string => d.toISOString();

/**
 * Write policy `dry-run` would need a rolled-back run of the whole write; these routes support
 * `dual-write` and `skip` instead. Answered after validation, so shadow still compares 422s.
 */
export const dryRunRefused = (): ModuleResponse => legacyError(501, 'dry-run is not supported on this route: use write policy dual-write or skip');
