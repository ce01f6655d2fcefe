import { useEffect, useRef } from 'react';
import { Loading } from '../../../components/ui/states';
import { signInWithLink } from '../api/sign-in';
import { portalNavigate } from '../portal-router';

/**
 * Where a mailed link lands (/portal/{slug}/sign-in#token=…): the token is read from the fragment
 * (never sent to a server as part of a URL) and traded once for a portal session; then the
 * invoices. Either way the token leaves the address bar. A used or expired link lands on the
 * sign-in page with a note (`?link=invalid`), where a new one can be asked for.
 */
export function PortalLandingPage({ slug, token }: { slug: string; token: string }) {
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return; // StrictMode runs effects twice; a link works once.
    started.current = true;
    signInWithLink(slug, token)
      .then(() => portalNavigate(`/portal/${slug}/invoices`, { replace: true }))
      .catch(() => portalNavigate(`/portal/${slug}/sign-in?link=invalid`, { replace: true }));
  }, [slug, token]);
  return <Loading label="Signing you in…" />;
}
