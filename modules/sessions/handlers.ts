import { randomBytes } from 'node:crypto';
import type { ModuleContext, ModuleRequest, ModuleResponse } from '../core/module';
import { SessionStore, type Session } from './store';

/**
 * The legacy anonymous sessions API (`/api/v1/sessions`), answered from Redis with legacy's exact
 * JSON, status codes, error bodies and cookies. Write policies: in shadow with `dual-write` the
 * module writes the same session legacy wrote (same id and timestamps, from `req.legacyResponse`);
 * with `dry-run` it computes the answer and writes nothing.
 */

export const COOKIE = 'legacy_session';
const JSON_HEADERS = { 'content-type': 'application/json' };
const MAX_LIMIT = 1000;

const notFound = (): ModuleResponse => ({ status: 404, headers: JSON_HEADERS, body: { detail: 'Session not found' } });
const unprocessable = (detail: unknown[]): ModuleResponse => ({ status: 422, headers: JSON_HEADERS, body: { detail } });
const isoMs = (d: Date) => d.toISOString();

function storeOf(ctx: ModuleContext): SessionStore {
  return new SessionStore(ctx.redis, ctx.config.REDIS_PREFIX);
}

/** A shadow copy (x-fig-shadow set by legacy-shadow) must show what fig itself holds: no fallback. */
const isShadowCopy = (req: ModuleRequest) => req.headers['x-fig-shadow'] !== undefined;

/** Parse `{"data": {...}}` like legacy (pydantic v1): missing body → {}; data must be an object. */
function parseData(req: ModuleRequest, required: boolean): { data: Record<string, unknown> } | { error: ModuleResponse } {
  const text = req.body?.toString('utf8') ?? '';
  if (!text.trim()) {
    if (required) return { error: unprocessable([{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }]) };
    return { data: {} };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    return { error: unprocessable([{ loc: ['body', 0], msg: `Expecting value: ${msg}`, type: 'value_error.jsondecode' }]) };
  }
  if (parsed === null || (Array.isArray(parsed) && parsed.length === 0)) {
    if (required) return { error: unprocessable([{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }]) };
    return { data: {} };
  }
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { error: unprocessable([{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]) };
  }
  const data = (parsed as Record<string, unknown>).data;
  if (data === undefined) return { data: {} };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { error: unprocessable([{ loc: ['body', 'data'], msg: data === null ? 'none is not an allowed value' : 'value is not a valid dict', type: data === null ? 'type_error.none.not_allowed' : 'type_error.dict' }]) };
  }
  return { data: data as Record<string, unknown> };
}

/** The session legacy just wrote (dual-write), when its answer has one. */
function legacySession(req: ModuleRequest): Session | undefined {
  const body = req.legacyResponse?.body as Partial<Session> | undefined;
  if (!body || typeof body.id !== 'string' || typeof body.created_at !== 'string') return undefined;
  return body as Session;
}

function sessionCookies(id: string, ttl: number): string[] {
  return [`${COOKIE}=${id}; HttpOnly; Max-Age=${ttl}; Path=/; SameSite=lax`, 'legacy_seen=1; Path=/; SameSite=lax'];
}

/** POST /api/v1/sessions */
export async function createSession(req: ModuleRequest, ctx: ModuleContext): Promise<ModuleResponse> {
  const parsed = parseData(req, false);
  if ('error' in parsed) return parsed.error;
  const ttl = ctx.config.SESSIONS_TTL_S;
  const mirrored = legacySession(req);
  let session: Session;
  if (mirrored) {
    // Dual-write: the same session legacy created (same id, same timestamps), so reads compare clean.
    session = { id: mirrored.id, data: parsed.data, created_at: mirrored.created_at, updated_at: mirrored.updated_at, expires_at: mirrored.expires_at };
  } else {
    const now = new Date();
    session = { id: randomBytes(16).toString('hex'), data: parsed.data, created_at: isoMs(now), updated_at: isoMs(now), expires_at: isoMs(new Date(now.getTime() + ttl * 1000)) };
  }
  if (!req.dryRun) await storeOf(ctx).put(session);
  return { status: 201, headers: { ...JSON_HEADERS, 'set-cookie': sessionCookies(session.id, ttl) }, body: session };
}

/** GET /api/v1/sessions?limit&offset */
export async function listSessions(req: ModuleRequest, ctx: ModuleContext): Promise<ModuleResponse> {
  const limit = intParam(req.query.limit, 50, 1, MAX_LIMIT, 'limit');
  if ('error' in limit) return limit.error;
  const offset = intParam(req.query.offset, 0, 0, Number.MAX_SAFE_INTEGER, 'offset');
  if ('error' in offset) return offset.error;
  const { items, total } = await storeOf(ctx).list(limit.value, offset.value);
  return { status: 200, headers: JSON_HEADERS, body: { items, total, limit: limit.value, offset: offset.value } };
}

/** GET /api/v1/sessions/{id} */
export async function getSession(req: ModuleRequest, ctx: ModuleContext): Promise<ModuleResponse> {
  const session = await findOrFallback(req, ctx);
  return session ? { status: 200, headers: JSON_HEADERS, body: session } : notFound();
}

/** PUT /api/v1/sessions/{id} */
export async function updateSession(req: ModuleRequest, ctx: ModuleContext): Promise<ModuleResponse> {
  const parsed = parseData(req, true);
  if ('error' in parsed) return parsed.error;
  const current = await findOrFallback(req, ctx);
  if (!current) return notFound();
  const mirrored = legacySession(req);
  const updated: Session = { ...current, data: parsed.data, updated_at: mirrored?.updated_at ?? isoMs(new Date()) };
  if (!req.dryRun) await storeOf(ctx).put(updated);
  return { status: 200, headers: JSON_HEADERS, body: updated };
}

/** DELETE /api/v1/sessions/{id} */
export async function deleteSession(req: ModuleRequest, ctx: ModuleContext): Promise<ModuleResponse> {
  const store = storeOf(ctx);
  const current = await findOrFallback(req, ctx);
  if (!current) return notFound();
  if (!req.dryRun) await store.remove(current.id);
  const expires = new Date().toUTCString();
  return { status: 204, headers: { 'set-cookie': `${COOKIE}=""; expires=${expires}; Max-Age=0; Path=/; SameSite=lax` } };
}

/**
 * A live session from Redis; on a miss, outside shadow copies and while SESSIONS_LEGACY_FALLBACK
 * is on, read it from legacy once and keep it (sessions created before the migration and not yet
 * backfilled stay readable).
 */
async function findOrFallback(req: ModuleRequest, ctx: ModuleContext): Promise<Session | undefined> {
  const id = req.params.id ?? '';
  const store = storeOf(ctx);
  const found = await store.find(id);
  if (found || isShadowCopy(req) || !ctx.config.SESSIONS_LEGACY_FALLBACK) return found;
  try {
    const res = await fetch(new URL(`/api/v1/sessions/${encodeURIComponent(id)}`, ctx.config.LEGACY_URL), { signal: AbortSignal.timeout(2000) });
    if (res.status !== 200) return undefined;
    const s = (await res.json()) as Session;
    if (!req.dryRun) await store.put(s, { onlyIfAbsent: true });
    return s;
  } catch (err) {
    ctx.log.debug({ err, sessionId: id }, 'legacy session fallback failed');
    return undefined;
  }
}

function intParam(raw: string | string[] | undefined, dflt: number, min: number, max: number, name: string): { value: number } | { error: ModuleResponse } {
  const v = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (v === undefined) return { value: dflt };
  if (!/^[+-]?\d+$/.test(v.trim())) return { error: unprocessable([{ loc: ['query', name], msg: 'value is not a valid integer', type: 'type_error.integer' }]) };
  const n = Number(v);
  if (n < min) return { error: unprocessable([{ loc: ['query', name], msg: `ensure this value is greater than or equal to ${min}`, type: 'value_error.number.not_ge', ctx: { limit_value: min } }]) };
  if (n > max) return { error: unprocessable([{ loc: ['query', name], msg: `ensure this value is less than or equal to ${max}`, type: 'value_error.number.not_le', ctx: { limit_value: max } }]) };
  return { value: n };
}
