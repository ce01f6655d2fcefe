import { useState } from 'react';
import { navigate } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { ApiError } from '../../../lib/api-client';
import { acceptInvitation } from '../../../lib/auth';
import { useLinkToken } from '../hooks/use-link-token';
import { LinkPage } from './link-page';

/** /app/accept-invitation#token=…: create the account (or confirm an existing one) and sign in. */
export function AcceptInvitationPage() {
  const token = useLinkToken();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);

  if (!token)
    return (
      <LinkPage title="Join fig">
        <div className="form-error" role="alert">
          This link has no invitation token. Open the link from the email again.
        </div>
      </LinkPage>
    );

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await acceptInvitation({ token, name: name.trim(), password });
      navigate('/', { replace: true });
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const api = error instanceof ApiError ? error : undefined;
  const fieldError = api?.fieldError('password');
  return (
    <LinkPage title="Join fig" subtitle="Choose your name and a password (12 to 128 characters).">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {error && !fieldError && (
          <div className="form-error" role="alert" data-testid="invitation-error">
            {api ? api.detail : error.message}
          </div>
        )}
        <Field label="Name" name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} error={api?.fieldError('name')} />
        <Field label="Password" type="password" name="password" autoComplete="new-password" required minLength={12} maxLength={128} value={password} onChange={(e) => setPassword(e.target.value)} error={fieldError} />
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Accept invitation
        </Button>
      </form>
    </LinkPage>
  );
}
