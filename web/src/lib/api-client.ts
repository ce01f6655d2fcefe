/**
 * The one way the SPA talks to the gateway: JSON in and out, problem+json errors turned into
 * ApiError, the access token kept in memory only (never localStorage), refreshed in the
 * background before it expires and once more on a 401 before giving up.
 */

export interface FieldError {
  path: string;
  message: string;
  code?: string;
}

/** An RFC 9457 problem from the gateway (or a network failure, status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  readonly requestId?: string;
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const detail = typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : `Request failed (${status})`;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.detail = detail;
    this.code = typeof body.code === 'string' ? body.code : `HTTP_${status}`;
    this.title = typeof body.title === 'string' ? body.title : 'Error';
    this.errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : [];
    this.requestId = typeof body.request_id === 'string' ? body.request_id : undefined;
  }

  /** The message for one field (`body.email` or just `email`), if the server named it. */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.path === field || e.path === `body.${field}` || e.path.endsWith(`.${field}`))?.message;
  }
}

/** What login and refresh answer (and /me, without the token). */
export interface SessionPayload {
  accessToken?: string;
  expiresIn?: number;
  user: { id: string; email: string; name: string };
  tenant: { id: string; name: string; slug: string } | null;
  roles: string[];
  /** Platform roles (ops): granted by a platform operator, the same in every organisation. */
  platformRoles: string[];
  permissions: string[];
  tenants: { id: string; name: string; slug: string; roles: string[] }[];
}

interface AuthHooks {
  /** A new session body arrived (login, refresh, tenant switch). */
  onSession: (s: SessionPayload) => void;
  /** The session is gone for good (refresh refused): show the login page. */
  onSessionEnd: () => void;
}

let accessToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<SessionPayload | null> | null = null;
let hooks: AuthHooks = { onSession: () => undefined, onSessionEnd: () => undefined };

/** Wire the session store (lib/auth.ts) to the client. */
export function configureAuth(h: AuthHooks): void {
  hooks = h;
}

/** Keep the new token in memory and schedule a refresh a minute (or a fifth of the TTL) before it expires. */
export function acceptSession(body: SessionPayload): void {
  if (body.accessToken) accessToken = body.accessToken;
  clearTimeout(refreshTimer);
  if (body.expiresIn && body.expiresIn > 0) {
    const lead = Math.min(60, body.expiresIn / 5);
    refreshTimer = setTimeout(() => void refreshSession(), Math.max(5, body.expiresIn - lead) * 1000);
  }
  hooks.onSession(body);
}

/** Forget the token (logout or refused refresh). */
export function dropSession(): void {
  accessToken = null;
  clearTimeout(refreshTimer);
}

async function parseBody(res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 205) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return { detail: text };
    }
  }
  return res.ok ? text : { detail: text.slice(0, 300) };
}

async function rawFetch(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { credentials: 'same-origin', ...init });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, { title: 'Network error', detail: 'The gateway could not be reached. Check your connection and try again.' });
  }
}

/**
 * POST /api/v1/auth/refresh with the httpOnly cookie; with tenantId it switches organisation.
 * Concurrent background refreshes share one request (a refresh token rotates: two would race).
 */
export function refreshSession(tenantId?: string): Promise<SessionPayload | null> {
  if (refreshing && !tenantId) return refreshing;
  const run = (async () => {
    const res = await rawFetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tenantId ? { tenantId } : {}),
    });
    if (!res.ok) {
      if (tenantId) throw new ApiError(res.status, ((await parseBody(res)) ?? {}) as Record<string, unknown>);
      dropSession();
      hooks.onSessionEnd();
      return null;
    }
    const body = (await parseBody(res)) as SessionPayload;
    acceptSession(body);
    return body;
  })();
  if (!tenantId) {
    refreshing = run;
    void run.finally(() => {
      refreshing = null;
    }).catch(() => undefined);
  }
  return run;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  /** Send no bearer token and do not try to refresh (login, refresh itself). */
  anonymous?: boolean;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

/** Call the gateway; resolves with the parsed JSON body or throws ApiError. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const url = withQuery(path, opts.query);
  const send = () => {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (!opts.anonymous && accessToken) headers.authorization = `Bearer ${accessToken}`;
    return rawFetch(url, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  };
  let res = await send();
  if (res.status === 401 && !opts.anonymous) {
    // The token may just have expired: refresh once, then retry once.
    const renewed = await refreshSession();
    if (renewed) res = await send();
  }
  const body = await parseBody(res);
  if (!res.ok) throw new ApiError(res.status, (body && typeof body === 'object' ? body : { detail: String(body ?? '') }) as Record<string, unknown>);
  return body as T;
}

/** Download a file with the bearer token (exports): the body as a Blob and the file name the gateway gave. */
export async function apiBlob(path: string, opts: { signal?: AbortSignal } = {}): Promise<{ blob: Blob; filename: string | undefined }> {
  const send = () => rawFetch(path, { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {}, signal: opts.signal });
  let res = await send();
  if (res.status === 401) {
    const renewed = await refreshSession();
    if (renewed) res = await send();
  }
  if (!res.ok) {
    const body = await parseBody(res);
    throw new ApiError(res.status, (body && typeof body === 'object' ? body : { detail: String(body ?? '') }) as Record<string, unknown>);
  }
  const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  return { blob: await res.blob(), filename };
}

/**
 * A raw fetch with the bearer token and one refresh-and-retry on 401, for protocols that are not
 * JSON request/response (tus uploads, server-sent events). Network failures become ApiError(0).
 */
export async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const send = () => {
    const headers = new Headers(init.headers);
    if (accessToken) headers.set('authorization', `Bearer ${accessToken}`);
    return rawFetch(path, { ...init, headers });
  };
  let res = await send();
  if (res.status === 401) {
    const renewed = await refreshSession();
    if (renewed) res = await send();
  }
  return res;
}

/** An ApiError from a failed raw response (problem+json or text). */
export async function errorFrom(res: Response): Promise<ApiError> {
  const body = await parseBody(res);
  return new ApiError(res.status, (body && typeof body === 'object' ? body : { detail: String(body ?? '') }) as Record<string, unknown>);
}

/** The list envelope of every paginated endpoint. */
export interface ListPage<T> {
  data: T[];
  total: number;
  hasMore: boolean;
  nextCursor: string | null;
}
