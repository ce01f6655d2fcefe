import { useMutation, useQuery, queryOptions } from '@tanstack/react-query';
import { portalApi, storePortalSession } from './client';
import type { PortalProfile, PortalSession } from '../types';

/** POST /portal/{slug}/magic-links: the same answer for any address. */
export const requestLink = (slug: string, email: string) =>
  portalApi<{ accepted: true; message: string }>(slug, '/magic-links', {
    method: 'POST',
    body: { email },
    anonymous: true,
  });

export function useRequestLink(slug: string) {
  return useMutation({ mutationFn: (email: string) => requestLink(slug, email) });
}

/** POST /portal/{slug}/sessions: trade the mailed token for a portal session (kept for this tab). */
export async function signInWithLink(slug: string, token: string): Promise<PortalSession> {
  const session = await portalApi<PortalSession>(slug, '/sessions', {
    method: 'POST',
    body: { token },
    anonymous: true,
  });
  storePortalSession(slug, session);
  return session;
}

/** GET /portal/{slug}/me */
export const profileOptions = (slug: string) =>
  queryOptions({ queryKey: ['portal', slug, 'me'], queryFn: () => portalApi<PortalProfile>(slug, '/me') });

export const useProfile = (slug: string) => useQuery(profileOptions(slug));
