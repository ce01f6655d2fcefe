import type { FigModule } from '../core/module';
import { createSession, deleteSession, getSession, listSessions, updateSession } from './handlers';

export { backfillSessions, type BackfillResult } from './backfill';
export { SessionStore, type Session } from './store';
export { reconcileSession } from './reconcile';

/**
 * Anonymous sessions, moved off legacy (the first dual-write route family): the same
 * `/api/v1/sessions` API, JSON and cookies, kept in Redis. Route modes: shadow with write policy
 * `dual-write` (legacy writes, fig writes the same session), then canary/new; `npm run shadow --
 * backfill-sessions` imports sessions created before the migration.
 */
export const sessionsModule: FigModule = {
  name: 'sessions',
  serves: {
    'POST /api/v1/sessions': createSession,
    'GET /api/v1/sessions': listSessions,
    'GET /api/v1/sessions/{id}': getSession,
    'PUT /api/v1/sessions/{id}': updateSession,
    'DELETE /api/v1/sessions/{id}': deleteSession,
  },
};
