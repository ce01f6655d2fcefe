import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

/** identity.users (global: one user, several organisations). */
export interface UserTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string | null;
  email_verified_at: Date | null;
  disabled_at: Date | null;
  perms_version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
/** identity.user_sessions: one row per refresh token; a family is one sign-in's rotation chain. */
export interface UserSessionTable {
  id: Generated<string>;
  user_id: string;
  family_id: string;
  token_hash: string;
  active_tenant_id: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  rotated_at: Date | null;
  replaced_by: string | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
  ip: string | null;
  user_agent: string | null;
}
export interface AuthEventTable {
  id: Generated<string>;
  user_id: string | null;
  email: string | null;
  type: string;
  ip: string | null;
  user_agent: string | null;
  detail: ColumnType<unknown, string | undefined, never>;
  created_at: CreatedAt;
}
export interface ActionTokenTable {
  id: Generated<string>;
  user_id: string;
  purpose: 'verify_email' | 'reset_password' | 'mfa_challenge';
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
  tenant_id: ColumnType<string | null, string | null | undefined, never>;
  attempts: ColumnType<number, number | undefined, number>;
}
/** identity.mfa_factors: one TOTP authenticator per user (secret sealed, see mfa-secret.ts). */
export interface MfaFactorTable {
  user_id: string;
  secret_enc: string;
  confirmed_at: Date | null;
  last_step: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date | undefined, Date>;
}
/** identity.mfa_recovery_codes: single-use codes, sha256 only. */
export interface MfaRecoveryCodeTable {
  id: Generated<string>;
  user_id: string;
  code_hash: string;
  used_at: Date | null;
  created_at: CreatedAt;
}
export interface OutboxTable {
  id: Generated<string>;
  kind: string;
  to_email: string;
  subject: string;
  body: string;
  payload: ColumnType<unknown, string | undefined, never>;
  created_at: CreatedAt;
  sent_at: Date | null;
}
/** identity.signups: a self-serve sign-up waiting for its verification link (owner-only). */
export interface SignupTable {
  id: Generated<string>;
  organisation_name: string;
  email: string;
  name: string;
  password_hash: string;
  token_hash: string;
  expires_at: Date;
  completed_at: Date | null;
  tenant_id: string | null;
  ip: string | null;
  created_at: CreatedAt;
}
export type User = Selectable<UserTable>;
export type Signup = Selectable<SignupTable>;
export type UserSession = Selectable<UserSessionTable>;

declare module '../core/database' {
  interface Database {
    'identity.users': UserTable;
    'identity.user_sessions': UserSessionTable;
    'identity.auth_events': AuthEventTable;
    'identity.action_tokens': ActionTokenTable;
    'identity.outbox': OutboxTable;
    'identity.signups': SignupTable;
    'identity.mfa_factors': MfaFactorTable;
    'identity.mfa_recovery_codes': MfaRecoveryCodeTable;
  }
}

/** identity.platform_role_grants: platform roles (ops) keyed by user, never by tenant (owner-only). */
export interface PlatformRoleGrantTable {
  user_id: string;
  role_key: string;
  granted_by: string | null;
  granted_by_actor: string;
  reason: string;
  created_at: CreatedAt;
}
/** identity.platform_role_events: append-only record of every platform grant and revoke. */
export interface PlatformRoleEventTable {
  id: Generated<string>;
  user_id: string;
  email: string;
  role_key: string;
  action: 'grant' | 'revoke';
  actor: string;
  actor_id: string | null;
  reason: string;
  request_id: string | null;
  ip: string | null;
  created_at: CreatedAt;
}

declare module '../core/database' {
  interface Database {
    'identity.platform_role_grants': PlatformRoleGrantTable;
    'identity.platform_role_events': PlatformRoleEventTable;
  }
}
