import { useEffect, useState } from 'react';
import { Link } from '../../../app/router';
import { Loading } from '../../../components/ui/states';
import { api, ApiError } from '../../../lib/api-client';
import { useLinkToken } from '../hooks/use-link-token';
import { LinkPage } from './link-page';

/** /app/verify-email#token=…: confirm the address as soon as the page opens. */
export function VerifyEmailPage() {
  const token = useLinkToken();
  const [state, setState] = useState<{ status: 'busy' } | { status: 'done' } | { status: 'failed'; message: string }>(
    token ? { status: 'busy' } : { status: 'failed', message: 'This link has no verification token. Open the link from the email again.' },
  );
  useEffect(() => {
    if (!token) return;
    api('/api/v1/auth/verify-email', { method: 'POST', body: { token }, anonymous: true }).then(
      () => setState({ status: 'done' }),
      (err: unknown) => setState({ status: 'failed', message: err instanceof ApiError ? err.detail : 'The address could not be confirmed.' }),
    );
  }, [token]);
  return (
    <LinkPage title="Confirm your email">
      {state.status === 'busy' && <Loading label="Confirming…" />}
      {state.status === 'done' && <div className="notice">Your email address is confirmed.</div>}
      {state.status === 'failed' && (
        <div className="form-error" role="alert">
          {state.message}
        </div>
      )}
      <Link to="/">Continue to fig</Link>
    </LinkPage>
  );
}
