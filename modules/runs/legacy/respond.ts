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
