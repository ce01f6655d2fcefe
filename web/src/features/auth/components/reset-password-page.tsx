import { useState } from 'react';
import { Link } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { api, ApiError } from '../../../lib/api-client';
import { useLinkToken } from '../hooks/use-link-token';
import { LinkPage } from './link-page';

/** /app/reset-password#token=…: choose a new password (ends every session of the account). */
export function ResetPasswordPage() {
  const token = useLinkToken();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);

  if (!token)
    return (
      <LinkPage title="Reset your password">
        <div className="form-error" role="alert">
          This link has no reset token. Open the link from the email again.
        </div>
      </LinkPage>
    );
  if (done)
    return (
      <LinkPage title="Password changed">
        <div className="notice" data-testid="reset-done">
          Your password was changed and every session was signed out.
        </div>
        <Link to="/login">Sign in</Link>
      </LinkPage>
    );

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/auth/password-reset', { method: 'POST', body: { token, password }, anonymous: true });
      setDone(true);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = error instanceof ApiError ? error.fieldError('password') : undefined;
  return (
    <LinkPage title="Reset your password" subtitle="12 to 128 characters; not a common password, your email or your name.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {error && !fieldError && (
          <div className="form-error" role="alert" data-testid="reset-error">
            {error instanceof ApiError ? error.detail : error.message}
          </div>
        )}
        <Field label="New password" type="password" name="password" autoComplete="new-password" required minLength={12} maxLength={128} value={password} onChange={(e) => setPassword(e.target.value)} error={fieldError} />
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Set password
        </Button>
      </form>
    </LinkPage>
  );
}
