import { useState } from 'react';
import { Link } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { api, ApiError } from '../../../lib/api-client';
import { LinkPage } from './link-page';

/** /app/forgot-password: ask for a reset link. The answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);

  if (sent)
    return (
      <LinkPage title="Check your email">
        <div className="notice" data-testid="forgot-sent">
          If {email.trim()} has a fig account, a link to reset its password is on its way. It works once,
          within one hour.
        </div>
        <Link to="/login">Back to sign in</Link>
      </LinkPage>
    );

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/auth/password-reset/request', {
        method: 'POST',
        body: { email: email.trim() },
        anonymous: true,
      });
      setSent(true);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = error instanceof ApiError ? error.fieldError('email') : undefined;
  return (
    <LinkPage title="Forgot your password?" subtitle="We mail you a link to choose a new one.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {error && !fieldError && (
          <div className="form-error" role="alert">
            {error instanceof ApiError && error.status === 429
              ? 'Too many attempts from here. Wait a minute and try again.'
              : error.message}
          </div>
        )}
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError}
        />
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Send reset link
        </Button>
      </form>
      <Link to="/login">Back to sign in</Link>
    </LinkPage>
  );
}
