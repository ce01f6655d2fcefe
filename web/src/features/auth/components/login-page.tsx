import { useState } from 'react';
import { Link } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { ApiError } from '../../../lib/api-client';
import { login, startSession, type MfaChallenge } from '../../../lib/auth';
import { MfaCodeStep } from './mfa-code-step';
import { MfaEnrolment } from './mfa-enrolment';
import { LinkPage } from './link-page';

/** A readable sentence for a failed login (wrong password, lockout, rate limit, network). */
export function loginErrorMessage(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : 'Sign-in failed';
  if (err.status === 0) return err.detail;
  const locked = /lock/i.test(err.code) || /locked/i.test(err.detail);
  if (locked || err.status === 423) {
    const retry = Number(err.body.retryAfterSeconds ?? err.body.retryAfter ?? NaN);
    const wait = Number.isFinite(retry) && retry > 0 ? ` Try again in ${retry < 90 ? `${Math.ceil(retry)} seconds` : `${Math.ceil(retry / 60)} minutes`}.` : ' Try again later.';
    return `Too many failed attempts: this account is locked for now.${wait}`;
  }
  if (err.status === 429) return 'Too many attempts from here. Wait a minute and try again.';
  if (err.status === 401) return 'Wrong email or password.';
  if (err.status === 400) return err.errors.length ? err.errors.map((e) => e.message).join('; ') : err.detail;
  return err.detail;
}

/** Email + password. On success the router shows the page the user asked for. */
export function LoginPage({ sessionEnded }: { sessionEnded?: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);

  if (challenge?.mfa === 'verify') return <MfaCodeStep challengeToken={challenge.challengeToken} onRestart={() => setChallenge(null)} />;
  if (challenge?.mfa === 'enrol')
    return (
      <LinkPage title="Set up two-factor authentication" subtitle="Your organisation requires it for your role.">
        <MfaEnrolment challengeToken={challenge.challengeToken} onDone={(c) => c.session && startSession(c.session)} />
      </LinkPage>
    );

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await login({ email: email.trim(), password });
      if ('mfa' in result) setChallenge(result);
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const apiErr = error instanceof ApiError ? error : undefined;
  return (
    <div className="login-screen">
      <form
        className="login-card"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden />
          fig
        </div>
        <h1>Sign in</h1>
        <p className="subtitle">Gateway console, plans and administration.</p>
        {sessionEnded && !error && <div className="notice">Your session ended. Sign in again to continue.</div>}
        {error != null && (
          <div className="form-error" role="alert" data-testid="login-error">
            {loginErrorMessage(error)}
          </div>
        )}
        <Field label="Email" type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} error={apiErr?.status === 400 ? apiErr.fieldError('email') : undefined} />
        <Field label="Password" type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Sign in
        </Button>
        <Link to="/forgot-password" className="login-aside">
          Forgot your password?
        </Link>
        <Link to="/signup" className="login-aside">
          New to fig? Create an organisation
        </Link>
      </form>
    </div>
  );
}
