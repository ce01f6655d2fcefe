import { useEffect, useRef, useState } from 'react';
import { Loading } from '../../../components/ui/states';
import { ApiError } from '../../../lib/api-client';
import { signInWithLink } from '../api/sign-in';
import { portalNavigate } from '../portal-router';
import { PortalSignInPage } from './sign-in-page';

/**
 * Where a mailed link lands (/portal/{slug}/sign-in#token=…): the token is read from the fragment
 * (never sent to a server as part of a URL), removed from the address bar, and traded once for a
 * portal session; then the invoices. A used or expired link offers a new one.
 */
export function PortalLandingPage({ slug, token }: { slug: string; token: string }) {
  const [failed, setFailed] = useState<string | undefined>();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return; // StrictMode runs effects twice; a link works once.
    started.current = true;
    window.history.replaceState(null, '', `/portal/${slug}/sign-in`);
    signInWithLink(slug, token)
      .then(() => portalNavigate(`/portal/${slug}/invoices`, { replace: true }))
      .catch((err: unknown) => setFailed(err instanceof ApiError ? err.detail : 'The sign-in failed; ask for a new link.'));
  }, [slug, token]);
  if (failed) return <PortalSignInPage slug={slug} notice={failed} />;
  return <Loading label="Signing you in…" />;
}
