import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type SessionPayload } from '../../../lib/api-client';

export interface MfaSetup {
  secret: string;
  otpauthUrl: string;
  qrDataUrl: string;
}
export interface MfaConfirmed {
  recoveryCodes: string[];
  session?: SessionPayload;
}
export interface MfaStatus {
  enrolled: boolean;
  confirmedAt: string | null;
  recoveryCodesLeft: number;
  required: boolean;
}

/** POST /api/v1/auth/mfa/setup (signed in, or with an enrol challenge during sign-in). */
export const setupMfa = (challengeToken?: string) =>
  api<MfaSetup>('/api/v1/auth/mfa/setup', { method: 'POST', body: challengeToken ? { challengeToken } : {}, anonymous: !!challengeToken });

/** POST /api/v1/auth/mfa/confirm: the first code; recovery codes (and the session during sign-in). */
export const confirmMfa = (code: string, challengeToken?: string) =>
  api<MfaConfirmed>('/api/v1/auth/mfa/confirm', { method: 'POST', body: challengeToken ? { code, challengeToken } : { code }, anonymous: !!challengeToken });

/** POST /api/v1/auth/mfa/disable. */
export const disableMfa = (code: string) => api<void>('/api/v1/auth/mfa/disable', { method: 'POST', body: { code } });

export const mfaStatusQuery = () => queryOptions({ queryKey: ['auth', 'mfa'], queryFn: () => api<MfaStatus>('/api/v1/auth/mfa') });
export const useMfaStatus = () => useQuery(mfaStatusQuery());
