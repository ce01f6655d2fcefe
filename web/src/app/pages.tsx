import { Link } from './router';

/** Platform permissions (route table, platform roles) come from platform roles, which no organisation grants. */
const isPlatformPermission = (permission: string) => permission.startsWith('routes.') || permission.startsWith('platform.');

/** Shown when the signed-in user's roles do not grant the screen's permission. */
export function NotAllowedPage({ permission }: { permission: string }) {
  return (
    <div className="page page-narrow">
      <div className="state state-error" data-testid="not-allowed">
        <div className="state-title">Not allowed</div>
        <div className="state-text">
          Your roles do not include the <code>{permission}</code> permission this page needs.{' '}
          {isPlatformPermission(permission)
            ? 'It comes with the ops platform role, which only a platform operator grants (not an administrator of your organisation).'
            : 'Ask an administrator of your organisation for access.'}
        </div>
        <Link to="/" className="btn btn-secondary btn-sm">
          Go to your start page
        </Link>
      </div>
    </div>
  );
}

export function NotFoundPage() {
  return (
    <div className="page page-narrow">
      <div className="state state-empty">
        <div className="state-title">Page not found</div>
        <div className="state-text">There is nothing at this address.</div>
        <Link to="/" className="btn btn-secondary btn-sm">
          Go to your start page
        </Link>
      </div>
    </div>
  );
}

/** For a user whose roles open no screen at all. */
export function WelcomePage() {
  return (
    <div className="page page-narrow">
      <div className="state state-empty">
        <div className="state-title">Welcome to fig</div>
        <div className="state-text">Your roles do not open any screen yet. Ask an administrator of your organisation for access.</div>
      </div>
    </div>
  );
}
