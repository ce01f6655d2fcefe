import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'invitation' | 'verify_email' | 'reset_password' | 'refresh';

/** sha256 hex: how every secret token is stored (the token itself is never stored). */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function mac(secret: string, purpose: TokenPurpose, body: string): Buffer {
  return createHmac('sha256', secret).update(`fig:${purpose}:${body}`).digest().subarray(0, 16);
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
  const m = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return undefined;
  const given = Buffer.from(m[2]!, 'base64url');
  for (const s of secrets) {
    const expected = mac(s, purpose, m[1]!);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return sha256(token);
  }
  return undefined;
}

/** Opaque refresh token (cookie value): 32 random bytes. */
export function mintRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: sha256(token) };
}
