import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { Loading } from '../../../components/ui/states';
import { ApiError } from '../../../lib/api-client';
import { confirmMfa, setupMfa, type MfaConfirmed, type MfaSetup } from '../api/mfa';

/** Scan the QR code (or type the secret), confirm with a first code; then the recovery codes, shown once. */
export function MfaEnrolment({ challengeToken, onDone }: { challengeToken?: string; onDone: (confirmed: MfaConfirmed) => void }) {
  const [setup, setSetup] = useState<MfaSetup | null>(null);
  const [confirmed, setConfirmed] = useState<MfaConfirmed | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setupMfa(challengeToken).then(setSetup, (err: unknown) => setError(err instanceof ApiError ? err.detail : 'Could not start the set-up'));
  }, [challengeToken]);

  if (confirmed)
    return (
      <div data-testid="recovery-codes">
        <div className="notice notice-success">Two-factor authentication is on.</div>
        <p>Keep these recovery codes somewhere safe. Each signs you in once if you lose your authenticator; they are not shown again.</p>
        <ul className="recovery-codes">
          {confirmed.recoveryCodes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <Button variant="primary" className="btn-block" onClick={() => onDone(confirmed)}>
          I have saved them — continue
        </Button>
      </div>
    );
  if (!setup) return error ? <div className="form-error" role="alert">{error}</div> : <Loading label="Preparing…" />;

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      setConfirmed(await confirmMfa(code.trim(), challengeToken));
    } catch (err) {
      setError(err instanceof ApiError ? (err.errors[0]?.message ?? err.detail) : 'Could not confirm the code');
      setCode('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      data-testid="mfa-enrolment"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p>Scan this code with an authenticator app (1Password, Google Authenticator, Authy…), then type the 6-digit code it shows.</p>
      <img src={setup.qrDataUrl} alt="QR code for your authenticator app" width={220} height={220} className="mfa-qr" />
      <p className="muted small">
        Or enter this key by hand: <code data-testid="mfa-secret">{setup.secret}</code>
      </p>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      <Field label="6-digit code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required value={code} onChange={(e) => setCode(e.target.value)} />
      <Button type="submit" variant="primary" busy={busy} className="btn-block">
        Turn on two-factor
      </Button>
    </form>
  );
}
