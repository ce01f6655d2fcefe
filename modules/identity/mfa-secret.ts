import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { generate, generateSecret, generateURI, verify } from 'otplib';
import { sha256 } from './secret-tokens';

/*
 * TOTP secrets at rest: AES-256-GCM under a key derived from a JWT signing secret (the first one
 * encrypts; every configured one is tried to decrypt, so rotating JWT_KEYS keeps old factors
 * working while the old key stays listed). Format: v1.<iv>.<tag>.<ciphertext>, base64url.
 */
const keyOf = (secret: string) => createHash('sha256').update(`fig:mfa:${secret}`).digest();

/** Encrypt a base32 TOTP secret for identity.mfa_factors. */
export function sealSecret(keys: readonly string[], plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyOf(keys[0]!), iv);
  const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv, c.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The base32 secret, or undefined when no configured key opens it. */
export function openSecret(keys: readonly string[], sealed: string): string | undefined {
  const [v, iv, tag, data] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || !data) return undefined;
  for (const k of keys) {
    try {
      const d = createDecipheriv('aes-256-gcm', keyOf(k), Buffer.from(iv, 'base64url'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(data, 'base64url')), d.final()]).toString('utf8');
    } catch {
      // not this key
    }
  }
  return undefined;
}

/** A new random TOTP secret (160 bits, base32) and its otpauth:// URI for authenticator apps. */
export function newTotp(email: string): { secret: string; uri: string } {
  const secret = generateSecret();
  return { secret, uri: generateURI({ issuer: 'fig', label: email, secret }) };
}

/** The time step a 6-digit code is valid for (now, or one step either side), or undefined. */
export async function checkTotp(secret: string, code: string): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const now = Date.now();
  const r = await verify({ secret, token: code, epochTolerance: 30, epoch: Math.floor(now / 1000) });
  return r.valid ? Math.floor(now / 30_000) + r.delta : undefined;
}

/** The current code (tests and the CLI demo; never sent anywhere). */
export const currentTotp = (secret: string): Promise<string> => generate({ secret });

export const RECOVERY_CODE_COUNT = 10;

/** Ten single-use recovery codes (`xxxxx-xxxxx`, 40 random bits each) and their hashes. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const s = randomBytes(8).toString('hex').slice(0, 10);
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
  return { codes, hashes: codes.map(recoveryHash) };
}

/** How a recovery code is stored and looked up (case and dashes do not matter when typed). */
export const recoveryHash = (code: string): string => sha256(`fig:recovery:${code.toLowerCase().replace(/[^0-9a-f]/g, '')}`);
