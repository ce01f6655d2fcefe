import { useEffect, useState } from 'react';
import { Link } from '../../../app/router';
import { Loading } from '../../../components/ui/states';
import { api, ApiError } from '../../../lib/api-client';
import { useLinkToken } from '../hooks/use-link-token';
import { LinkPage } from './link-page';

interface Verified {
  organisation: { id: string; name: string; slug: string };
  email: string;
}
type State = { status: 'busy' } | { status: 'done'; verified: Verified } | { status: 'failed'; message: string };

/** /app/verify-signup#token=…: the sign-up link; creates the organisation as soon as the page opens. */
export function VerifySignUpPage() {
  const token = useLinkToken();
  const [state, setState] = useState<State>(
    token ? { status: 'busy' } : { status: 'failed', message: 'This link has no sign-up token. Open the link from the email again.' },
  );
  useEffect(() => {
    if (!token) return;
    api<Verified>('/api/v1/auth/signup/verify', { method: 'POST', body: { token }, anonymous: true }).then(
      (verified) => setState({ status: 'done', verified }),
      (err: unknown) => setState({ status: 'failed', message: err instanceof ApiError ? err.detail : 'The organisation could not be created.' }),
    );
  }, [token]);
  return (
    <LinkPage title="Your organisation">
      {state.status === 'busy' && <Loading label="Creating your organisation…" />}
      {state.status === 'done' && (
        <div className="notice" data-testid="signup-done">
          {state.verified.organisation.name} is ready, with {state.verified.email} as its administrator. Sign in to invite your team.
        </div>
      )}
      {state.status === 'failed' && (
        <div className="form-error" role="alert">
          {state.message}
        </div>
      )}
      <Link to="/login">Sign in</Link>
    </LinkPage>
  );
}
