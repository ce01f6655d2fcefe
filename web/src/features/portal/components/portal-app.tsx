import { useEffect, useSyncExternalStore } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { queryClient } from '../../../lib/query-client';
import { matchPath } from '../../../app/router';
import { Empty } from '../../../components/ui/states';
import { portalSession, portalSessionSnapshot, subscribePortalSession } from '../api/client';
import { PortalLink, portalNavigate, usePortalLocation } from '../portal-router';
import { PortalLayout } from './portal-layout';
import { PortalSignInPage } from './sign-in-page';
import { PortalLandingPage } from './landing-page';
import { PortalDocumentsPage } from './documents-page';
import { PortalDocumentPage } from './document-page';
import { PortalPaymentsPage } from './payments-page';
import { PortalStatementPage } from './statement-page';
import '../portal.css';

/** The portal's pages under /portal/{slug}/, relative to it. */
function page(slug: string, rest: string) {
  const doc = matchPath('/:kind/:id', rest);
  if (rest === '/invoices' || rest === '/' || rest === '')
    return <PortalDocumentsPage slug={slug} kind="invoices" />;
  if (rest === '/credit-notes') return <PortalDocumentsPage slug={slug} kind="credit-notes" />;
  if (doc && (doc.kind === 'invoices' || doc.kind === 'credit-notes'))
    return <PortalDocumentPage key={rest} slug={slug} kind={doc.kind} id={doc.id!} />;
  if (rest === '/payments') return <PortalPaymentsPage slug={slug} />;
  if (rest === '/statement') return <PortalStatementPage slug={slug} />;
  return (
    <Empty title="Page not found">
      There is nothing at this address.{' '}
      <PortalLink to={`/portal/${slug}/invoices`}>See your invoices</PortalLink>.
    </Empty>
  );
}

/**
 * The client portal (ADR 0027): a separate app inside the SPA bundle for customer contacts, with
 * its own layout, navigation and session (a portal token, never the staff session).
 */
export function PortalApp() {
  const { pathname, hash, search } = usePortalLocation();
  const [, slug = '', ...restParts] = /^\/portal\/([^/]+)(\/.*)?$/.exec(pathname) ?? [];
  const rest = restParts[0] ?? '/';
  const snapshot = useSyncExternalStore(subscribePortalSession, () => portalSessionSnapshot(slug));
  const session = snapshot ? portalSession(slug) : null;
  const onSignIn = rest === '/sign-in';
  const token = onSignIn ? new URLSearchParams(hash).get('token') : null;
  const linkInvalid = search.get('link') === 'invalid';

  useEffect(() => {
    if (!session && !onSignIn) portalNavigate(`/portal/${slug}/sign-in`, { replace: true });
    if (session && onSignIn && !token && !linkInvalid)
      portalNavigate(`/portal/${slug}/invoices`, { replace: true });
  }, [session, onSignIn, slug, token, linkInvalid]);

  let body;
  if (!slug) body = <Empty title="Portal not found">This address does not name a portal.</Empty>;
  else if (token) body = <PortalLandingPage slug={slug} token={token} />;
  else if (!session || onSignIn)
    body = (
      <PortalSignInPage
        slug={slug}
        notice={
          linkInvalid
            ? 'That sign-in link is not valid any more: it works once, within 15 minutes. Ask for a new one below.'
            : undefined
        }
      />
    );
  else
    body = (
      <PortalLayout slug={slug} session={session}>
        {page(slug, rest)}
      </PortalLayout>
    );
  return <QueryClientProvider client={queryClient}>{body}</QueryClientProvider>;
}
