import { createHash } from 'node:crypto';

/** Buckets per route: canaryPercent N sends buckets [0, N*100) to the new side. */
export const CANARY_BUCKETS = 10_000;

/**
 * The canary bucket (0..9999) of an identity under a route's pinned seed: the first 4 bytes of
 * sha256(`${seed}:${identity}`) modulo 10,000. Pure: every process, after every restart, computes
 * the same bucket; the seed never changes (migrations/0035 pins it).
 */
export function canaryBucket(seed: string, identity: string): number {
  const digest = createHash('sha256').update(`${seed}:${identity}`).digest();
  return digest.readUInt32BE(0) % CANARY_BUCKETS;
}

/**
 * Whether an identity is on the new side at `percent`. Monotone by construction: the bucket does
 * not depend on the percent, so raising it only adds buckets (tenants), never removes one.
 */
export function onNewSide(seed: string, identity: string, percent: number): boolean {
  return canaryBucket(seed, identity) < Math.round(percent * 100);
}

/** Cookie name legacy uses for anonymous sessions. */
export const LEGACY_SESSION_COOKIE = 'legacy_session';

/** Value of one cookie from a Cookie header (no decoding beyond trimming). */
export function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const part of all.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Who a request is, for canary stickiness: the tenant (from a JWT), else the anonymous legacy
 * session cookie, else the client IP as a last resort.
 */
export function canaryIdentity(input: { tenantId?: string; cookie?: string | string[]; ip?: string }): string {
  if (input.tenantId) return `tenant:${input.tenantId}`;
  const session = cookieValue(input.cookie, LEGACY_SESSION_COOKIE);
  if (session) return `session:${session}`;
  return `ip:${input.ip ?? 'unknown'}`;
}
