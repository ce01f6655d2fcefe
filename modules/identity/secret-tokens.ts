import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'invitation' | 'verify_email' | 'reset_password' | 'refresh' | 'device' | 'signup' | 'mfa_challenge';

/** sha256 hex: how every secret token is stored (the token itself is never stored). */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function mac(secret: string, purpose: TokenPurpose, body: string): Buffer {
  return createHmac('sha256', secret).update(`fig:${purpose}:${body}`).digest().subarray(0, 16);
}

/**
 * The random part of `<random>.<hmac>` when its HMAC over `signed(random)` is valid under one of
 * the secrets (constant-time compare), else undefined.
 */
function verifiedBody(
  secrets: readonly string[],
  purpose: TokenPurpose,
  token: string,
  signed: (body: string) => string,
): string | undefined {
  const m = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return undefined;
  const given = Buffer.from(m[2]!, 'base64url');
  for (const s of secrets) {
    const expected = mac(s, purpose, signed(m[1]!));
    if (given.length === expected.length && timingSafeEqual(given, expected)) return m[1];
  }
  return undefined;
}

/**
 * Signed single-use tokens for links sent by mail (invitation, email verification, password
 * reset): `<random>.<hmac>`. The HMAC (keyed by the JWT signing key, bound to the purpose) lets
 * fig refuse forged or altered tokens before touching the database; single use and expiry are
 * enforced by the database row that stores the token's sha256.
 */
export function mintSignedToken(secret: string, purpose: TokenPurpose): { token: string; hash: string } {
  const body = randomBytes(24).toString('base64url');
  const token = `${body}.${mac(secret, purpose, body).toString('base64url')}`;
  return { token, hash: sha256(token) };
}

/** Hash of the token when its signature is valid under one of the secrets, else undefined. */
export function checkSignedToken(
  secrets: readonly string[],
  purpose: TokenPurpose,
  token: string,
): string | undefined {
  return verifiedBody(secrets, purpose, token, (body) => body) === undefined ? undefined : sha256(token);
}

/** Opaque refresh token (cookie value): 32 random bytes. */
export function mintRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: sha256(token) };
}

/**
 * Device cookie for one account (OWASP "device cookie"): `<random>.<hmac(email, random)>`. A
 * browser that signed in to an account keeps it; its random part names the device, which gets its
 * own failed-sign-in budget so strangers' failures never lock that browser out.
 */
export function mintDeviceToken(secret: string, email: string): string {
  const body = randomBytes(24).toString('base64url');
  return `${body}.${mac(secret, 'device', `${email}:${body}`).toString('base64url')}`;
}

/** The device id of a device cookie issued for this email under one of the secrets, else undefined. */
export function checkDeviceToken(
  secrets: readonly string[],
  email: string,
  token: string,
): string | undefined {
  return verifiedBody(secrets, 'device', token, (body) => `${email}:${body}`);
}

// SPA pages that receive a mailed token. Links carry it in the fragment (never sent to a server),
// but an old mail or a hand-edited link may still put it in the query string.
const LINK_PAGES = /^(\/app\/(?:reset-password|verify-email|accept-invitation))\?[^#]*/;
const TOKEN_PARAM = /([?&](?:token|refresh_token|access_token)=)[^&#]*/gi;

/**
 * A request URL fit for logs: the query string of the link pages is dropped, and token-like
 * query parameters of any other URL are masked.
 */
export function redactUrlSecrets(url: string): string {
  return url.replace(LINK_PAGES, '$1?[redacted]').replace(TOKEN_PARAM, '$1[redacted]');
}
