import { useSyncExternalStore } from 'react';
import { acceptSession, api, configureAuth, dropSession, refreshSession, type SessionPayload } from './api-client';
import { queryClient } from './query-client';

/** The signed-in user as the SPA sees it (never the token itself). */
export type Session = Omit<SessionPayload, 'accessToken' | 'expiresIn'>;

/** 'loading' until the first silent refresh answered. */
export type AuthState = { status: 'loading' } | { status: 'anonymous'; ended?: boolean } | { status: 'signed-in'; session: Session };

let state: AuthState = { status: 'loading' };
const listeners = new Set<() => void>();

function set(next: AuthState) {
  state = next;
  for (const l of listeners) l();
}

function toSession(p: SessionPayload): Session {
  const { accessToken: _t, expiresIn: _e, ...rest } = p;
  return rest;
}

configureAuth({
  onSession: (p) => set({ status: 'signed-in', session: toSession(p) }),
  onSessionEnd: () => {
    const wasSignedIn = state.status === 'signed-in';
    queryClient.clear();
    set({ status: 'anonymous', ended: wasSignedIn });
  },
});

/** React view of the auth state. */
export function useAuth(): AuthState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

/** The current session; only call below a signed-in guard. */
export function useSession(): Session {
  const s = useAuth();
  if (s.status !== 'signed-in') throw new Error('useSession outside a signed-in area');
  return s.session;
}

/** Whether the session grants a permission key (e.g. 'routes.flip'). */
export function can(session: Session | undefined, permission: string): boolean {
  return !!session && session.permissions.includes(permission);
}

/** On start: a refresh cookie may still be valid; try it silently. */
export async function bootstrapSession(): Promise<void> {
  try {
    const s = await refreshSession();
    if (!s) set({ status: 'anonymous' });
  } catch {
    set({ status: 'anonymous' });
  }
}

export interface LoginInput {
  email: string;
  password: string;
  tenantId?: string;
}

/** A sign-in waiting for its second factor: give a code (`verify`) or set up an authenticator first (`enrol`). */
export interface MfaChallenge {
  mfa: 'verify' | 'enrol';
  challengeToken: string;
  expiresIn: number;
}

/** Start the session a sign-in step answered with. */
export function startSession(body: SessionPayload): Session {
  queryClient.clear();
  acceptSession(body);
  return toSession(body);
}

/** POST /api/v1/auth/login; sets the refresh cookie and the in-memory token, or answers the MFA step to take. */
export async function login(input: LoginInput): Promise<Session | MfaChallenge> {
  const body = await api<SessionPayload | MfaChallenge>('/api/v1/auth/login', { method: 'POST', body: input, anonymous: true });
  if ('mfa' in body) return body;
  return startSession(body);
}

/** POST /api/v1/auth/mfa/verify: the code (or a recovery code) that completes a sign-in. */
export async function verifyMfa(challengeToken: string, code: string): Promise<Session> {
  return startSession(await api<SessionPayload>('/api/v1/auth/mfa/verify', { method: 'POST', body: { challengeToken, code }, anonymous: true }));
}

/** POST /api/v1/auth/accept-invitation: creates the account (or joins with an existing one) and signs in. */
export async function acceptInvitation(input: { token: string; name: string; password: string }): Promise<Session> {
  const body = await api<SessionPayload>('/api/v1/auth/accept-invitation', { method: 'POST', body: input, anonymous: true });
  queryClient.clear();
  acceptSession(body);
  return toSession(body);
}

/** POST /api/v1/auth/logout; the session ends locally even if the call fails. */
export async function logout(): Promise<void> {
  try {
    await api('/api/v1/auth/logout', { method: 'POST', body: {} });
  } finally {
    dropSession();
    queryClient.clear();
    set({ status: 'anonymous' });
  }
}

/** Switch organisation: a refresh with tenantId issues a token for that tenant. */
export async function switchTenant(tenantId: string): Promise<void> {
  const s = await refreshSession(tenantId);
  if (s) queryClient.clear();
}
