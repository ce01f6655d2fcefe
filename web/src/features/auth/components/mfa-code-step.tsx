import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { ApiError } from '../../../lib/api-client';
import { verifyMfa } from '../../../lib/auth';
import { LinkPage } from './link-page';

/** The second step of sign-in: the authenticator's code, or a recovery code. */
export function MfaCodeStep({ challengeToken, onRestart }: { challengeToken: string; onRestart: () => void }) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await verifyMfa(challengeToken, code.trim());
    } catch (err) {
      setError(err instanceof ApiError ? err : null);
      setCode('');
    } finally {
      setBusy(false);
    }
  };
  const expired = error?.code === 'FIG_MFA_CHALLENGE_INVALID';
  return (
    <LinkPage title="Two-factor authentication" subtitle="Enter the 6-digit code from your authenticator app, or one of your recovery codes.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {error && (
          <div className="form-error" role="alert" data-testid="mfa-error">
            {error.detail}
          </div>
        )}
        <Field label="Code" name="code" autoComplete="one-time-code" required autoFocus disabled={expired} value={code} onChange={(e) => setCode(e.target.value)} />
        <Button type="submit" variant="primary" busy={busy} disabled={expired} className="btn-block">
          Verify
        </Button>
      </form>
      <button type="button" className="link-button login-aside" onClick={onRestart}>
        Start over
      </button>
    </LinkPage>
  );
}
