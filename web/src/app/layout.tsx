import type { ReactNode } from 'react';
import { Toaster } from '../components/ui/toast';
import { UserMenu } from '../features/auth/components/user-menu';
import { can, useSession } from '../lib/auth';
import { Link, useLocation } from './router';
import { appRoutes } from './routes';

/** Top bar (brand, nav filtered by permission, user menu) and the page below. */
export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { pathname } = useLocation();
  const nav = appRoutes.filter((r) => r.label && can(session, r.permission));
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden />
          fig
        </Link>
        <nav className="nav" aria-label="Main">
          {nav.map((r) => (
            <Link key={r.path} to={r.path} className={`nav-link ${pathname === r.path || pathname.startsWith(`${r.path}/`) ? 'active' : ''}`} aria-current={pathname === r.path ? 'page' : undefined}>
              {r.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-right">
          <UserMenu />
        </div>
      </header>
      <main className="content">{children}</main>
      <Toaster />
    </div>
  );
}
