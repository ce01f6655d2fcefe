import { useState } from 'react';
import { Link } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { api, ApiError } from '../../../lib/api-client';
import { LinkPage } from './link-page';

const EMPTY = { organisationName: '', name: '', email: '', password: '' };

/** /app/signup: a new organisation with the signer as its first admin, created once the mailed link is opened. */
export function SignUpPage() {
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const set = (k: keyof typeof EMPTY) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.target.value });

  if (sent)
    return (
      <LinkPage title="Check your email">
        <div className="notice" data-testid="signup-sent">
          We sent a link to {form.email.trim()}. Open it within 24 hours to create {form.organisationName.trim()}; then sign in with the
          password you chose.
        </div>
        <Link to="/login">Back to sign in</Link>
      </LinkPage>
    );

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/auth/signup', { method: 'POST', body: { ...form, email: form.email.trim() }, anonymous: true });
      setSent(true);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const apiErr = error instanceof ApiError ? error : undefined;
  const fieldErr = (f: string) => (apiErr?.status === 400 ? apiErr.fieldError(f) : undefined);
  const general = error && !(apiErr?.status === 400 && apiErr.errors.length);
  return (
    <LinkPage title="Create your organisation" subtitle="You become its administrator and can invite your team.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {general && (
          <div className="form-error" role="alert" data-testid="signup-error">
            {apiErr?.status === 429 ? 'Too many sign-ups from here. Try again later.' : error.message}
          </div>
        )}
        <Field label="Organisation name" name="organisationName" required autoFocus maxLength={200} value={form.organisationName} onChange={set('organisationName')} error={fieldErr('organisationName')} />
        <Field label="Your name" name="name" autoComplete="name" required maxLength={200} value={form.name} onChange={set('name')} error={fieldErr('name')} />
        <Field label="Work email" type="email" name="email" autoComplete="username" required value={form.email} onChange={set('email')} error={fieldErr('email')} />
        <Field label="Password" type="password" name="password" autoComplete="new-password" required minLength={12} value={form.password} onChange={set('password')} error={fieldErr('password')} hint="At least 12 characters; not a common password." />
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Sign up
        </Button>
      </form>
      <Link to="/login">Already have an account? Sign in</Link>
    </LinkPage>
  );
}
