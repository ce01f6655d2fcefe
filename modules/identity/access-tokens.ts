import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fastifyJwt from '@fastify/jwt';
import { z } from 'zod';

export interface JwtKey {
  kid: string;
  secret: string;
}

/**
 * Claims of a fig access token. `pv` is the user's permission version at issue time; `sid` the
 * session family it was issued for (logout and refresh-token reuse end it).
 */
export const AccessClaims = z.object({
  sub: z.uuid(),
  sid: z.uuid().optional(),
  tid: z.uuid(),
  roles: z.array(z.string()),
  /** Platform roles (identity.platform_role_grants), never from a tenant. Required: a token minted
   * before platform roles existed is refused and the client refreshes into one that has them. */
  platformRoles: z.array(z.string()),
  pv: z.number().int(),
  portal: z.literal('internal'),
  email: z.string(),
  iat: z.number().optional(),
  exp: z.number(),
  iss: z.literal('fig'),
});
export type AccessClaims = z.infer<typeof AccessClaims>;
export type AccessClaimsInput = Omit<AccessClaims, 'iat' | 'exp' | 'iss'>;

/**
 * Claims of a client portal token (ADR 0027): a customer contact signed in by magic link. It names
 * the tenant and the one customer it may read, and nothing else: no roles, no permissions, no
 * user. `portal: 'customer'` is what the guard keys on; the internal claims above require
 * `portal: 'internal'`, so neither kind of token parses as the other.
 */
export const PortalClaims = z.object({
  portal: z.literal('customer'),
  /** `contact:<id>`: the apar contact the link was mailed to. */
  sub: z.string().regex(/^contact:\d+$/),
  tid: z.uuid(),
  /** The customer (apar party id) every read is limited to. */
  cid: z.number().int().positive(),
  email: z.string(),
  /** The magic link this sign-in redeemed (its row id), for the audit trail. */
  lid: z.number().int().positive(),
  iat: z.number().optional(),
  exp: z.number(),
  iss: z.literal('fig'),
});
export type PortalClaims = z.infer<typeof PortalClaims>;
export type PortalClaimsInput = Omit<PortalClaims, 'iat' | 'exp' | 'iss' | 'portal'>;

const AnyClaims = z.discriminatedUnion('portal', [AccessClaims, PortalClaims]);

/** Why a token was refused (goes into the 401 problem detail; never more specific than this). */
export class TokenRejected extends Error {
  constructor(
    public readonly reason: 'malformed' | 'algorithm' | 'unknown_key' | 'expired' | 'invalid' | 'revoked',
  ) {
    super(
      {
        malformed: 'The access token is malformed',
        algorithm: 'The access token uses an algorithm fig does not accept',
        unknown_key: 'The access token was signed with an unknown key',
        expired: 'The access token has expired',
        invalid: 'The access token signature or claims are invalid',
        revoked: 'The access token was revoked; refresh the session',
      }[reason],
    );
    this.name = 'TokenRejected';
  }
}

const KID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Parse JWT_KEYS ("kid1:secret1,kid2:secret2"): the first signs, all verify. */
export function parseJwtKeys(spec: string | undefined): JwtKey[] {
  if (!spec) return [];
  return spec.split(',').map((part, i) => {
    const at = part.indexOf(':');
    const kid = part.slice(0, at).trim();
    const secret = part.slice(at + 1).trim();
    if (at <= 0 || !KID_RE.test(kid))
      throw new Error(`JWT_KEYS entry ${i + 1}: expected kid:secret with kid [A-Za-z0-9_-]`);
    if (secret.length < 32)
      throw new Error(`JWT_KEYS entry ${i + 1} (${kid}): secret must be at least 32 characters`);
    return { kid, secret };
  });
}

export interface AccessTokens {
  /** Kid of the signing key. */
  readonly kid: string;
  readonly keys: readonly JwtKey[];
  readonly ttlSeconds: number;
  sign(claims: AccessClaimsInput): string;
  /** Sign a client portal token (`portal: 'customer'`) valid for `ttlSeconds`. */
  signPortal(claims: PortalClaimsInput, ttlSeconds: number): string;
  /** Verify signature (HS256 only, key by `kid`), expiry and claims of an internal token; throws TokenRejected. */
  verify(token: string): AccessClaims;
  /** The same checks for either kind of token: internal or client portal (`portal` tells which). */
  verifyAny(token: string): AccessClaims | PortalClaims;
}

interface JwtNamespace {
  sign(payload: object, options?: { expiresIn?: number }): string;
  verify(token: string): unknown;
}

/**
 * Register @fastify/jwt once per key (namespace = kid) and return the signer/verifier pair.
 * Only HS256 is accepted: `alg: none`, RS256/ES256 (key confusion) and anything else is refused
 * before a key is even chosen.
 */
export async function registerAccessTokens(
  app: FastifyInstance,
  opts: { keys: JwtKey[]; ttlSeconds: number },
): Promise<AccessTokens> {
  let keys = opts.keys;
  if (!keys.length) {
    keys = [{ kid: `dev-${randomBytes(4).toString('hex')}`, secret: randomBytes(32).toString('hex') }];
    app.log.warn(
      'JWT_KEYS is not set: using a random per-process key (tokens die on restart and are not shared between processes)',
    );
  }
  for (const key of keys) {
    await app.register(fastifyJwt, {
      secret: key.secret,
      namespace: key.kid,
      sign: { algorithm: 'HS256', kid: key.kid, expiresIn: opts.ttlSeconds, iss: 'fig' },
      verify: { algorithms: ['HS256'], allowedIss: 'fig' },
      decoratorName: 'jwtPayload',
    });
  }
  const ns = (kid: string) => (app.jwt as unknown as Record<string, JwtNamespace | undefined>)[kid];
  const signer = ns(keys[0]!.kid)!;
  const kids = new Set(keys.map((k) => k.kid));

  function decode(token: string): AccessClaims | PortalClaims {
    const parts = token.split('.');
    if (parts.length !== 3) throw new TokenRejected('malformed');
    let header: { alg?: unknown; kid?: unknown };
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof header;
    } catch {
      throw new TokenRejected('malformed');
    }
    if (header.alg !== 'HS256' || !parts[2]) throw new TokenRejected('algorithm');
    if (typeof header.kid !== 'string' || !kids.has(header.kid)) throw new TokenRejected('unknown_key');
    let payload: unknown;
    try {
      payload = ns(header.kid)!.verify(token);
    } catch (err) {
      throw new TokenRejected((err as { code?: string }).code === 'FAST_JWT_EXPIRED' ? 'expired' : 'invalid');
    }
    const parsed = AnyClaims.safeParse(payload);
    if (!parsed.success) throw new TokenRejected('invalid');
    return parsed.data;
  }

  return {
    kid: keys[0]!.kid,
    keys,
    ttlSeconds: opts.ttlSeconds,
    sign: (claims) => signer.sign({ ...claims, portal: 'internal' }),
    signPortal: (claims, ttlSeconds) =>
      signer.sign({ ...claims, portal: 'customer' }, { expiresIn: ttlSeconds }),
    verify: (token) => {
      const claims = decode(token);
      if (claims.portal !== 'internal') throw new TokenRejected('invalid');
      return claims;
    },
    verifyAny: (token) => decode(token),
  };
}

/** Redis key holding a user's current permission version (bumped on role change, logout-all, reset). */
export const permsVersionKey = (prefix: string, userId: string) => `${prefix}pv:${userId}`;
