import { ApiError, errorFrom, type ListPage } from '../../../lib/api-client';
import type { PortalSession } from '../types';

/*
 * The portal's own connection to the gateway: a customer contact's portal token, never the staff
 * session's (lib/api-client keeps that one). The token lives in sessionStorage for this tab and
 * this portal only, so a reload keeps the contact signed in until the token expires (1 h); there
 * is no refresh: a new mailed link signs in again. A 401 drops it and shows the sign-in page.
 */

export type { ListPage };

const key = (slug: string) => `fig.portal.${slug}`;
const listeners = new Set<() => void>();

interface Stored {
  session: PortalSession;
  expiresAt: number;
}

function read(slug: string): Stored | null {
  try {
    const raw = sessionStorage.getItem(key(slug));
    const stored = raw ? (JSON.parse(raw) as Stored) : null;
    return stored && stored.expiresAt > Date.now() ? stored : null;
  } catch {
    return null;
  }
}

/** Subscribe to sign-in / sign-out of any portal (for useSyncExternalStore). */
export function subscribePortalSession(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The signed-in session of this portal (a stable string snapshot), or null. */
export function portalSessionSnapshot(slug: string): string | null {
  return sessionStorage.getItem(key(slug));
}

/** The session of this portal, if signed in and not expired. */
export function portalSession(slug: string): PortalSession | null {
  return read(slug)?.session ?? null;
}

export function storePortalSession(slug: string, session: PortalSession): void {
  sessionStorage.setItem(
    key(slug),
    JSON.stringify({ session, expiresAt: Date.now() + session.expiresIn * 1000 }),
  );
  for (const l of listeners) l();
}

export function dropPortalSession(slug: string): void {
  sessionStorage.removeItem(key(slug));
  for (const l of listeners) l();
}

async function send(
  slug: string,
  path: string,
  init: { method?: string; body?: unknown; anonymous?: boolean } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    accept: 'application/json, application/problem+json, application/pdf',
  };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const token = init.anonymous ? undefined : read(slug)?.session.accessToken;
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`/api/v1/portal/${encodeURIComponent(slug)}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, {
      title: 'Network error',
      detail: 'The portal could not be reached. Check your connection and try again.',
    });
  }
  if (!res.ok) {
    const error = await errorFrom(res);
    if (res.status === 401 && !init.anonymous) dropPortalSession(slug);
    throw error;
  }
  return res;
}

/** Call a portal endpoint (`/invoices`) as the signed-in contact; JSON in and out, ApiError on failure. */
export async function portalApi<T>(
  slug: string,
  path: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; anonymous?: boolean } = {},
): Promise<T> {
  const res = await send(slug, path, init);
  return (await res.json()) as T;
}

/** Download a portal file (an invoice PDF): the body and the file name the gateway gave. */
export async function portalBlob(
  slug: string,
  path: string,
): Promise<{ blob: Blob; filename: string | undefined }> {
  const res = await send(slug, path);
  const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  return { blob: await res.blob(), filename };
}
