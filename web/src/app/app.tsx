import { lazy, Suspense, useEffect } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { Loading } from '../components/ui/states';
import { LoginPage } from '../features/auth/components/login-page';
import { AcceptInvitationPage } from '../features/auth/components/accept-invitation-page';
import { ResetPasswordPage } from '../features/auth/components/reset-password-page';
import { VerifyEmailPage } from '../features/auth/components/verify-email-page';
import { ForgotPasswordPage } from '../features/auth/components/forgot-password-page';
import { SignUpPage } from '../features/auth/components/sign-up-page';
import { VerifySignUpPage } from '../features/auth/components/verify-sign-up-page';
import { bootstrapSession, can, useAuth } from '../lib/auth';
import { queryClient } from '../lib/query-client';
import { Layout } from './layout';
import { NotAllowedPage, NotFoundPage, WelcomePage } from './pages';
import { matchPath, navigate, useLocation } from './router';
import { appRoutes } from './routes';
// The client portal is its own chunk: staff never load it, customers never load the staff app's screens.
const PortalApp = lazy(() => import('../features/portal/components/portal-app').then((m) => ({ default: m.PortalApp })));

// Pages a mailed link opens: reachable signed out (the token in the URL fragment is the credential).
const LINK_PAGES: Record<string, () => React.JSX.Element> = {
  '/reset-password': ResetPasswordPage,
  '/accept-invitation': AcceptInvitationPage,
  '/verify-email': VerifyEmailPage,
  '/forgot-password': ForgotPasswordPage,
  '/signup': SignUpPage,
  '/verify-signup': VerifySignUpPage,
};

function Routes() {
  const auth = useAuth();
  const { pathname, search, href } = useLocation();

  const signedIn = auth.status === 'signed-in';
  const onLogin = pathname === '/login';
  const LinkTarget = LINK_PAGES[pathname];
  useEffect(() => {
    // Signed out anywhere (but a mailed link's page) → the login page, remembering where the user was.
    if (auth.status === 'anonymous' && !onLogin && !LinkTarget) navigate(`/login?next=${encodeURIComponent(href)}`, { replace: true });
    // Signed in on the login page → where they wanted to go.
    if (signedIn && onLogin) {
      const next = search.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('/login') ? next : '/', { replace: true });
    }
  }, [auth.status, onLogin, signedIn, search, href, LinkTarget]);

  if (LinkTarget) return <LinkTarget />;
  if (auth.status === 'loading') return <Loading label="Starting fig…" />;
  if (auth.status === 'anonymous') return <LoginPage sessionEnded={auth.ended} />;
  if (onLogin) return <Loading />;

  const session = auth.session;
  if (pathname === '/' || pathname === '') {
    const home = appRoutes.find((r) => r.label && can(session, r.permission));
    return <Layout>{home ? <Redirect to={home.path} /> : <WelcomePage />}</Layout>;
  }
  for (const r of appRoutes) {
    const params = matchPath(r.path, pathname);
    if (!params) continue;
    const Page = r.component;
    return <Layout>
        <Suspense fallback={<Loading />}>{!r.permission || can(session, r.permission) ? <Page params={params} /> : <NotAllowedPage permission={r.permission} />}</Suspense>
      </Layout>;
  }
  return (
    <Layout>
      <NotFoundPage />
    </Layout>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** The client portal (/portal/{slug}/…) is its own app with its own layout; everything else is the staff app. */
export function App() {
  return window.location.pathname.startsWith('/portal/') ? (
    <Suspense fallback={<Loading />}>
      <PortalApp />
    </Suspense>
  ) : (
    <StaffApp />
  );
}

/** Providers and the router of the staff app. */
function StaffApp() {
  useEffect(() => {
    void bootstrapSession();
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <Routes />
    </QueryClientProvider>
  );
}
