import type { ReactNode } from 'react';
import { dropPortalSession } from '../api/client';
import { PortalLink, portalNavigate, usePortalLocation } from '../portal-router';
import type { PortalSession } from '../types';

const NAV = [
  { path: 'invoices', label: 'Invoices' },
  { path: 'payments', label: 'Payments' },
  { path: 'credit-notes', label: 'Credit notes' },
  { path: 'statement', label: 'Statement' },
];

/** The portal's own frame: the organisation's name, the customer's navigation, who is signed in. */
export function PortalLayout({
  slug,
  session,
  children,
}: {
  slug: string;
  session: PortalSession;
  children: ReactNode;
}) {
  const { pathname } = usePortalLocation();
  const base = `/portal/${slug}`;
  const signOut = () => {
    dropPortalSession(slug);
    portalNavigate(`${base}/sign-in`, { replace: true });
  };
  return (
    <div className="portal-shell">
      <header className="portal-header">
        <div className="portal-header-inner">
          <PortalLink to={`${base}/invoices`} className="portal-brand">
            <span className="portal-org">{session.organisation.name}</span>
            <span className="portal-tag">Customer portal</span>
          </PortalLink>
          <div className="portal-who">
            <span className="portal-customer" data-testid="portal-customer">
              {session.customer.name}
            </span>
            <span className="muted small">{session.email}</span>
            <button type="button" className="btn btn-ghost btn-sm" onClick={signOut}>
              Sign out
            </button>
          </div>
        </div>
        <nav className="portal-nav" aria-label="Portal">
          {NAV.map((n) => {
            const to = `${base}/${n.path}`;
            const active = pathname === to || pathname.startsWith(`${to}/`);
            return (
              <PortalLink
                key={n.path}
                to={to}
                className={`portal-nav-link ${active ? 'active' : ''}`}
                aria-current={active ? 'page' : undefined}
              >
                {n.label}
              </PortalLink>
            );
          })}
        </nav>
      </header>
      <main className="portal-content">{children}</main>
      <footer className="portal-footer muted small">
        Questions about an invoice? Reply to the mail it came with, or contact {session.organisation.name}.
      </footer>
    </div>
  );
}
