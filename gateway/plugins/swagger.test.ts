import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test/helpers';

const PUBLIC = [
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/accept-invitation',
  'POST /api/v1/auth/password-reset/request',
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/verify-email',
  // Self-serve sign-up and its verification link (rate-limited per IP and per address).
  'POST /api/v1/auth/signup',
  'POST /api/v1/auth/signup/verify',
  // The MFA step of sign-in carries a challenge token, not a session; setup/confirm also accept a session.
  'POST /api/v1/auth/mfa/verify',
  'POST /api/v1/auth/mfa/setup',
  'POST /api/v1/auth/mfa/confirm',
  // Stripe calls it; it is authenticated by the Stripe-Signature header instead (modules/billing).
  'POST /api/v1/billing/stripe-webhook',
  // A signed, expiring download link (local disk storage): the HMAC in the query is the credential (modules/storage).
  'GET /api/v1/tenants/{tid}/uploads/{id}/file',
  // Client portal sign-in (ADR 0027): ask for a magic link (rate-limited per address and IP), redeem it.
  'POST /api/v1/portal/{slug}/magic-links',
  'POST /api/v1/portal/{slug}/sessions',
];

describe('/docs/json security', () => {
  let app: FastifyInstance;
  let ops: { key: string; security: unknown }[];
  beforeAll(async () => {
    ({ app } = await buildTestApp());
    const res = await app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    const spec = res.json() as { paths: Record<string, Record<string, { security?: unknown }>>; components: unknown };
    expect(spec.components).toMatchObject({ securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } });
    ops = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, security: op.security })),
    );
  });
  afterAll(() => app.close());

  it('leaves the sign-in, refresh, invitation and password reset routes open', () => {
    const open = ops.filter((o) => o.security === undefined).map((o) => o.key);
    expect(open.sort()).toEqual([...PUBLIC].sort());
  });

  it('asks for the bearer token on every other /api/v1 and /_fig route', () => {
    const guarded = ops.filter((o) => !PUBLIC.includes(o.key));
    expect(guarded.length).toBeGreaterThan(40);
    for (const o of guarded) expect(o, o.key).toEqual({ key: o.key, security: [{ bearerAuth: [] }] });
    const keys = guarded.map((o) => o.key);
    expect(keys).toEqual(expect.arrayContaining(['GET /api/v1/me', 'POST /api/v1/bonus-plans/{id}/evaluate', 'GET /api/v1/tenants/{tid}/members', 'PUT /_fig/routes/{key}']));
  });

  it('documents only routes whose guard agrees: every permission route carries the scheme', () => {
    const documented = new Map(ops.map((o) => [o.key.replace(/\{(\w+)\}/g, ':$1'), o.security]));
    const checked = app.guardedRoutes.filter((r) => documented.has(`${r.method} ${r.url}`));
    expect(checked.length).toBeGreaterThan(20);
    for (const r of checked) expect(documented.get(`${r.method} ${r.url}`), `${r.method} ${r.url}`).toEqual([{ bearerAuth: [] }]);
  });
});
