import { readFileSync } from 'node:fs';
import { hash, verify } from '@node-rs/argon2';

/** argon2id (the library default algorithm) with OWASP's minimum: 19 MiB, 2 passes, 1 lane. */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** ASVS L2 (2.1.1, 2.1.2): at least 12 characters, and at least 64 allowed (128 here). */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

// Bundled, no network (common-passwords.txt: well-known leaked passwords, keyboard walks and
// digit runs, each with the suffixes people add to pass a length rule; lower case, one a line).
const COMMON = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean),
);

/** True when the password (case-insensitively) is on the bundled list of common passwords. */
export function isCommonPassword(password: string): boolean {
  return COMMON.has(password.trim().toLowerCase());
}

const squash = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Why a password may not be used by this account, or undefined when it may: it must not be the
 * account's email, the email's local part or the person's name (ignoring case, spaces and
 * punctuation, and with or without trailing digits), nor contain them when they are long enough
 * to be guessed from them. Length and the common list are checked by the schema at the edge.
 */
export function passwordRefusal(
  password: string,
  who: { email: string; name?: string | null },
): string | undefined {
  const p = squash(password);
  const pCore = p.replace(/\d+$/, '');
  const local = who.email.split('@')[0] ?? '';
  const candidates = [who.email, local, who.name ?? '', ...(who.name ?? '').split(/\s+/)]
    .map(squash)
    .filter((c) => c.length >= 4);
  for (const c of candidates) {
    if (p === c || pCore === c || (c.length >= 6 && p.includes(c)))
      return 'must not contain your email address or name';
  }
  return undefined;
}

/** argon2id hash of a password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// A real hash of a random string: verifying against it costs what a real check costs, so an
// unknown email is not faster to reject than a wrong password.
let dummy: Promise<string> | undefined;

/** True when `password` matches `stored`; with no stored hash, spends the same time and says no. */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hash(`dummy-${Math.random()}`, OPTIONS);
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
