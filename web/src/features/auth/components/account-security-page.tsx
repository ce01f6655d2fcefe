import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '../../../components/ui/button';
import { Field } from '../../../components/ui/field';
import { ErrorState, Loading } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { api, ApiError } from '../../../lib/api-client';
import { can, useSession } from '../../../lib/auth';
import { disableMfa, mfaStatusQuery, useMfaStatus } from '../api/mfa';
import { MfaEnrolment } from './mfa-enrolment';

interface SecuritySettings {
  mfaRequired: boolean;
  mfaRoles: string[];
}

/** /app/account/security: your own two-factor set-up, and (for admins) the organisation's requirement. */
export function AccountSecurityPage() {
  const session = useSession();
  const status = useMfaStatus();
  const qc = useQueryClient();
  const [enrolling, setEnrolling] = useState(false);
  const [code, setCode] = useState('');
  const off = useMutation({
    mutationFn: () => disableMfa(code.trim()),
    onSuccess: () => {
      setCode('');
      toast('Two-factor authentication is off');
      return qc.invalidateQueries({ queryKey: mfaStatusQuery().queryKey });
    },
  });

  return (
    <div className="page page-narrow">
      <h1>Account security</h1>
      <section className="card" data-testid="mfa-card">
        <h2>Two-factor authentication</h2>
        {status.isPending && <Loading />}
        {status.isError && <ErrorState error={status.error} onRetry={() => void status.refetch()} />}
        {status.data && !status.data.enrolled && !enrolling && (
          <>
            <p>
              Off. {status.data.required ? 'Your organisation requires it for your role.' : 'A code from an authenticator app protects your account if your password leaks.'}
            </p>
            <Button variant="primary" onClick={() => setEnrolling(true)}>
              Set up two-factor…
            </Button>
          </>
        )}
        {status.data && !status.data.enrolled && enrolling && (
          <MfaEnrolment
            onDone={() => {
              setEnrolling(false);
              void qc.invalidateQueries({ queryKey: mfaStatusQuery().queryKey });
            }}
          />
        )}
        {status.data?.enrolled && (
          <>
            <p data-testid="mfa-on">
              On since {new Date(status.data.confirmedAt!).toLocaleDateString()}; {status.data.recoveryCodesLeft} recovery codes left.
            </p>
            {status.data.required ? (
              <p className="muted">Your organisation requires it for your role, so it cannot be turned off.</p>
            ) : (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (window.confirm('Turn two-factor authentication off?')) off.mutate();
                }}
              >
                {off.error && <div className="form-error">{off.error instanceof ApiError ? off.error.detail : off.error.message}</div>}
                <Field label="A current code (or a recovery code) to turn it off" name="disable-code" value={code} onChange={(e) => setCode(e.target.value)} required />
                <Button type="submit" variant="danger" busy={off.isPending}>
                  Turn off
                </Button>
              </form>
            )}
          </>
        )}
      </section>
      {can(session, 'users.manage') && session.tenant && <OrganisationMfa tenantId={session.tenant.id} />}
    </div>
  );
}

function OrganisationMfa({ tenantId }: { tenantId: string }) {
  const qc = useQueryClient();
  const key = ['tenants', tenantId, 'security'];
  const q = useQuery({ queryKey: key, queryFn: () => api<SecuritySettings>(`/api/v1/tenants/${tenantId}/security`) });
  const save = useMutation({
    mutationFn: (mfaRequired: boolean) => api<SecuritySettings>(`/api/v1/tenants/${tenantId}/security`, { method: 'PUT', body: { mfaRequired } }),
    onSuccess: (data) => qc.setQueryData(key, data),
  });
  return (
    <section className="card" data-testid="org-mfa-card">
      <h2>Organisation: require two-factor</h2>
      {q.isPending && <Loading />}
      {q.isError && <ErrorState error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && (
        <>
          <p>
            {q.data.mfaRequired ? 'Required' : 'Not required'} for the roles {q.data.mfaRoles.join(', ')}. Users with those roles set it up at their next
            sign-in.
          </p>
          {save.error && <div className="form-error">{save.error instanceof ApiError ? save.error.detail : save.error.message}</div>}
          <Button variant={q.data.mfaRequired ? 'secondary' : 'primary'} busy={save.isPending} onClick={() => save.mutate(!q.data.mfaRequired)}>
            {q.data.mfaRequired ? 'Stop requiring two-factor' : 'Require two-factor'}
          </Button>
        </>
      )}
    </section>
  );
}
