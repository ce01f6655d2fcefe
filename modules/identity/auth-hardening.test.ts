import { createHash, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { buildTestApp } from '../../test/helpers';
import { createUserWithRoles, loginAs } from '../../test/auth';
import * as identity from './index';
import { createIdentityService, DEMO_PASSWORD } from './index';
import { PasswordResetBody } from './schema';

const problem = (res: LightMyRequestResponse) => {
  const { instance: _i, request_id: _r, ...rest } = res.json() as Record<string, unknown>;
  return rest;
};
const cookie = (res: LightMyRequestResponse, name: string) => res.cookies.find((c) => c.name === name)?.value;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Access-log lines of the app, to check what reaches the log.
const logLines: Array<Record<string, unknown>> = [];
const logStream = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

/** A Redis client that can never connect: every command fails at once, like a Redis outage. */
function deadRedis(): Redis {
  const redis = new Redis('redis://127.0.0.1:1', {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  return redis;
}

const THRESHOLD = 5;
const IP_THRESHOLD = 8;

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildTestApp(
    {
      AUTH_LOCKOUT_THRESHOLD: String(THRESHOLD),
      AUTH_LOCKOUT_IP_THRESHOLD: String(IP_THRESHOLD),
      AUTH_LOCKOUT_BASE_MS: '1000',
      AUTH_DEV_TOKENS: 'true',
      RATE_LIMIT_AUTH_PER_MIN: '10000',
    },
    { logger: { level: 'info', stream: logStream } },
  ));
});
afterAll(() => app.close());

const login = (email: string, password: string, ip: string, device?: string) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: ip,
    cookies: device ? { fig_device: device } : {},
  });
// A new client address per call: tests must not share an address another test locked.
let lastIp = 0;
const ip = () => `10.77.${Math.floor(++lastIp / 250)}.${(lastIp % 250) + 1}`;
const events = (email: string, type: string) =>
  app.db
    .selectFrom('identity.auth_events')
    .select('detail')
    .where('email', '=', email)
    .where('type', '=', type)
    .execute();
const outbox = (to: string) =>
  app.db
    .selectFrom('identity.outbox')
    .select(['kind', 'subject', 'body', 'payload', 'sent_at'])
    .where('to_email', '=', to)
    .orderBy('id')
    .execute();

describe('sign-in throttle is atomic', () => {
  it('of 15 parallel sign-ins (14 wrong, 1 right) only the threshold are evaluated; the rest are refused before the password is checked', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const from = ip();
    const tries = [...Array.from({ length: 14 }, () => 'wrong-password-x'), u.password];
    const res = await Promise.all(tries.map((p) => login(u.email, p, from)));
    const statuses = res.map((r) => r.statusCode);
    const evaluated = statuses.filter((s) => s !== 429);
    expect(evaluated).toHaveLength(THRESHOLD);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15 - THRESHOLD);
    const verified =
      (await events(u.email, 'login_failure')).length + (await events(u.email, 'login_success')).length;
    expect(verified).toBe(THRESHOLD);
    const refused = res.find((r) => r.statusCode === 429)!;
    expect(problem(refused)).toMatchObject({ status: 429, code: 'FIG_LOGIN_LOCKED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('one address spraying many accounts in parallel gets at most the per-IP threshold evaluated', async () => {
    const from = ip();
    const emails = Array.from({ length: 20 }, () => `spray-${randomUUID().slice(0, 8)}@test.fig`);
    const res = await Promise.all(emails.map((e) => login(e, 'Summer2026!!x', from)));
    expect(res.filter((r) => r.statusCode === 401)).toHaveLength(IP_THRESHOLD);
    expect(res.filter((r) => r.statusCode === 429)).toHaveLength(20 - IP_THRESHOLD);
    const locks = await app.db
      .selectFrom('identity.auth_events')
      .select('detail')
      .where('type', '=', 'lockout')
      .where('ip', '=', from)
      .execute();
    expect(locks.map((l) => l.detail)).toEqual([{ scope: 'ip', ms: 1000, level: 1 }]);
    // Accounts are not touched by the address's lock: their owners sign in from elsewhere.
    const u = await createUserWithRoles(app, { roles: ['hr'], email: emails[0] });
    expect((await login(u.email, u.password, ip())).statusCode).toBe(200);
  });

  it('successful sign-ins give their slot back, so a busy office address is not locked', async () => {
    const from = ip();
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    for (let i = 0; i < IP_THRESHOLD + 2; i++)
      expect((await login(u.email, u.password, from)).statusCode).toBe(200);
  });
});

describe('lockout cannot be used against the owner', () => {
  it('a stranger failing from another address cannot lock the owner out of a browser that signed in before', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const home = ip();
    const first = await login(u.email, u.password, home);
    expect(first.statusCode).toBe(200);
    const device = cookie(first, 'fig_device');
    expect(device).toMatch(/^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{22}$/);
    expect(first.cookies.find((c) => c.name === 'fig_device')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/api/v1/auth',
    });
    const attacker = ip();
    for (let i = 0; i < 12; i++) await login(u.email, `guess-number-${i}`, attacker);
    // A new device is slowed down (Retry-After) ...
    const fresh = await login(u.email, u.password, home);
    expect(fresh.statusCode).toBe(429);
    // ... the owner's own browser is not, and keeps its cookie.
    const owner = await login(u.email, u.password, home, device);
    expect(owner.statusCode).toBe(200);
    expect(cookie(owner, 'fig_device')).toBe(device);
    // A device cookie of another account gives no separate budget.
    const other = await createUserWithRoles(app, { roles: ['hr'] });
    for (let i = 0; i < 12; i++) await login(other.email, `guess-number-${i}`, ip());
    const stolen = await login(other.email, other.password, home, device);
    expect(stolen.statusCode).toBe(429);
  });

  it('wrong passwords from a known device lock only that device', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const device = cookie(await login(u.email, u.password, ip()), 'fig_device')!;
    for (let i = 0; i < THRESHOLD; i++)
      expect((await login(u.email, 'wrong-password-x', ip(), device)).statusCode).toBe(401);
    expect((await login(u.email, u.password, ip(), device)).statusCode).toBe(429);
    expect((await login(u.email, u.password, ip())).statusCode).toBe(200);
  });

  it('tells the owner once per lockout episode, with no mail for unknown addresses', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    // The attacker rotates addresses, so only the account's unknown-device bucket locks.
    for (let i = 0; i < THRESHOLD; i++) await login(u.email, 'wrong-password-x', ip());
    expect((await login(u.email, 'wrong-password-x', ip())).statusCode).toBe(429);
    await sleep(1100); // first lock (1 s) over; the next lockout is a repeat of the same episode
    for (let i = 0; i < THRESHOLD; i++) await login(u.email, 'wrong-password-x', ip());
    expect((await login(u.email, 'wrong-password-x', ip())).statusCode).toBe(429);
    const locks = await events(u.email, 'lockout');
    expect(locks.map((e) => e.detail)).toEqual([
      { scope: 'account', ms: 1000, level: 1 },
      { scope: 'account', ms: 2000, level: 2 },
    ]);
    const mails = await outbox(u.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      kind: 'login_locked',
      subject: 'Failed sign-ins to your fig account',
      payload: { userId: u.userId, scope: 'account' },
      sent_at: null,
    });
    expect(mails[0]!.body).toContain(`Someone failed to sign in to ${u.email} ${THRESHOLD} times`);
    const nobody = `nobody-${randomUUID().slice(0, 8)}@test.fig`;
    for (let i = 0; i < THRESHOLD + 1; i++) await login(nobody, 'wrong-password-x', ip());
    expect(await outbox(nobody)).toEqual([]);
  });
});

describe('mailed link tokens', () => {
  it('puts reset, verification and invitation tokens in the URL fragment and keeps no raw token in the payload', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const reset = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/request',
      payload: { email: u.email },
    });
    const resetToken = reset.json<{ token: string }>().token;
    await app.db
      .updateTable('identity.users')
      .set({ email_verified_at: null })
      .where('id', '=', u.userId)
      .execute();
    const access = (await login(u.email, u.password, ip())).json<{ accessToken: string }>().accessToken;
    const verify = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/verify-email/request',
      headers: { authorization: `Bearer ${access}` },
    });
    const verifyToken = verify.json<{ token: string }>().token;
    const admin = await loginAs(app, { roles: ['admin'] });
    const invitee = `inv-${randomUUID().slice(0, 8)}@test.fig`;
    const inv = await app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${admin.tenantId}/invitations`,
      headers: admin.headers,
      payload: { email: invitee, roles: ['hr'] },
    });
    const invToken = inv.json<{ token: string }>().token;
    const mails = [...(await outbox(u.email)), ...(await outbox(invitee))];
    const byKind = Object.fromEntries(mails.map((m) => [m.kind, m]));
    expect(byKind.password_reset!.body).toContain(`/app/reset-password#token=${resetToken} `);
    expect(byKind.verify_email!.body).toContain(`/app/verify-email#token=${verifyToken} `);
    expect(byKind.invitation!.body).toContain(`/app/accept-invitation#token=${invToken} `);
    for (const m of mails) {
      expect(m.body).not.toContain('?token=');
      expect(JSON.stringify(m.payload)).not.toMatch(/token/i);
    }
    const tokens = await app.db
      .selectFrom('identity.action_tokens')
      .select('token_hash')
      .where('user_id', '=', u.userId)
      .execute();
    expect(tokens.map((t) => t.token_hash).sort()).toEqual(
      [resetToken, verifyToken].map((t) => createHash('sha256').update(t).digest('hex')).sort(),
    );
  });

  it('purges tokens from mails that were delivered or whose link expired, and leaves live ones', async () => {
    const job = identity.identityModule.jobs?.find((j) => j.name === 'identity.purge-link-tokens');
    expect(job?.version).toBe(1);
    const [sent, expired, live] = await Promise.all(
      [0, 1, 2].map(async () => {
        const u = await createUserWithRoles(app, { roles: ['hr'] });
        const r = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/password-reset/request',
          payload: { email: u.email },
        });
        return { email: u.email, token: r.json<{ token: string }>().token };
      }),
    );
    await app.db
      .updateTable('identity.outbox')
      .set({ sent_at: new Date() })
      .where('to_email', '=', sent!.email)
      .execute();
    await app.db
      .updateTable('identity.outbox')
      .set({ created_at: new Date(Date.now() - 61 * 60 * 1000) } as never)
      .where('to_email', '=', expired!.email)
      .execute();
    const ctx = {
      config: app.config,
      db: app.db,
      redis: app.redis,
      log: app.log as never,
      signal: new AbortController().signal,
    };
    const first = (await job!.handler({}, ctx)) as { purged: number };
    expect(first.purged).toBeGreaterThanOrEqual(2);
    for (const gone of [sent!, expired!]) {
      const [m] = await outbox(gone.email);
      expect(m!.body).not.toContain(gone.token);
      expect(m!.body).toContain('/app/reset-password#token=(removed) within one hour');
    }
    expect((await outbox(live!.email))[0]!.body).toContain(live!.token);
    expect(await job!.handler({}, ctx)).toEqual({ purged: 0 });
  });

  it('keeps token query strings of link pages out of the access log', async () => {
    logLines.length = 0;
    await app.inject({ url: '/app/reset-password?token=SECRET-abc.def&x=1' });
    await app.inject({ url: '/app/accept-invitation?token=SECRET-ghi' });
    await app.inject({ url: '/api/v1/things?page=2&token=SECRET-jkl' });
    const urls = logLines.filter((l) => l.msg === 'request completed').map((l) => l.url);
    expect(urls).toEqual([
      '/app/reset-password?[redacted]',
      '/app/accept-invitation?[redacted]',
      '/api/v1/things?page=2&token=[redacted]',
    ]);
    expect(JSON.stringify(logLines)).not.toContain('SECRET');
  });
});

describe('password policy', () => {
  const accept = (token: string, name: string, password: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/accept-invitation', payload: { token, name, password } });
  const invite = async (email: string) => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const inv = await app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${admin.tenantId}/invitations`,
      headers: admin.headers,
      payload: { email, roles: ['hr'] },
    });
    return inv.json<{ token: string }>().token;
  };
  const refused = (message: string) => ({
    type: 'https://fig.dev/problems/fig-validation',
    title: 'Bad Request',
    status: 400,
    detail: '1 invalid field(s)',
    code: 'FIG_VALIDATION',
    errors: [expect.objectContaining({ path: 'body.password', message })],
  });

  it('refuses passwords shorter than 12 or longer than 128 characters, and common ones', async () => {
    const token = await invite(`pp-${randomUUID().slice(0, 8)}@test.fig`);
    const cases: Array<[string, string]> = [
      ['short-pass1', 'must be at least 12 characters'],
      ['x'.repeat(129), 'must be at most 128 characters'],
      ['Password1234', 'is a commonly used password: choose one that is harder to guess'],
      ['qwertyuiop123', 'is a commonly used password: choose one that is harder to guess'],
      ['123456789012', 'is a commonly used password: choose one that is harder to guess'],
    ];
    for (const [password, message] of cases) {
      const res = await accept(token, 'Pat Person', password);
      expect(res.statusCode).toBe(400);
      expect(problem(res)).toEqual(refused(message));
    }
    expect((await accept(token, 'Pat Person', 'x'.repeat(128))).statusCode).toBe(200);
  });

  it('refuses the email, its local part or the name as the password, and leaves the link usable', async () => {
    const email = `marguerite.dupont-${randomUUID().slice(0, 4)}@test.fig`;
    const token = await invite(email);
    for (const password of [email, `${email.split('@')[0]}`, 'MargueriteDupont', 'marguerite dupont 2026']) {
      const res = await accept(token, 'Marguerite Dupont', password);
      expect(problem(res)).toEqual({
        type: 'https://fig.dev/problems/fig-validation',
        title: 'Bad Request',
        status: 400,
        detail: '1 invalid field(s)',
        code: 'FIG_VALIDATION',
        errors: [{ path: 'body.password', message: 'must not contain your email address or name' }],
      });
    }
    expect((await accept(token, 'Marguerite Dupont', 'lantern-orbit-quietly')).statusCode).toBe(200);

    const reset = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/request',
      payload: { email },
    });
    const resetToken = reset.json<{ token: string }>().token;
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token: resetToken, password: `${email.split('@')[0]}!!` },
    });
    expect(problem(bad)).toEqual({
      type: 'https://fig.dev/problems/fig-validation',
      title: 'Bad Request',
      status: 400,
      detail: '1 invalid field(s)',
      code: 'FIG_VALIDATION',
      errors: [{ path: 'body.password', message: 'must not contain your email address or name' }],
    });
    const good = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token: resetToken, password: 'violet-harbour-engine' },
    });
    expect(good.statusCode).toBe(204);
  });

  it('still accepts the demo password', () => {
    expect(DEMO_PASSWORD).toBe('fig-demo-2026');
    expect(PasswordResetBody.safeParse({ token: 't', password: DEMO_PASSWORD }).success).toBe(true);
  });
});

/** Records the SQL of every query a Kysely instance runs (parameters left out). */
class QueryLog implements KyselyPlugin {
  readonly sql: string[] = [];
  constructor(private readonly compile: (node: RootOperationNode) => string) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.sql.push(this.compile(args.node));
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

describe('password reset requests', () => {
  it('run the same queries and write one mail whether or not the address has an account', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const unknown = `nobody-${randomUUID().slice(0, 8)}@test.fig`;
    const run = async (email: string) => {
      const log = new QueryLog(
        (node) => app.db.getExecutor().compileQuery(node, { queryId: 'q' } as never).sql,
      );
      const service = createIdentityService({
        db: app.db.withPlugin(log),
        redis: app.redis,
        config: app.config,
        accessTokens: app.accessTokens,
        rbac: app.rbac,
        log: app.log,
      });
      await service.requestPasswordReset(email, { ip: null, userAgent: null, requestId: null });
      return log.sql;
    };
    const known = await run(u.email);
    const none = await run(unknown);
    expect(none).toEqual(known);
    expect(known.filter((q) => /^insert into "identity"\."outbox"/.test(q))).toHaveLength(1);
    expect((await outbox(u.email)).map((m) => m.kind)).toEqual(['password_reset']);
    const [note] = await outbox(unknown);
    expect(note).toMatchObject({
      kind: 'password_reset_no_account',
      subject: 'Reset your fig password',
      payload: {},
    });
    expect(note!.body).toContain('no active fig account uses this address');
  });
});

describe('access tokens end with their session', () => {
  const me = (token: string) =>
    app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

  it('logout ends the access token of that session at once, other sessions keep theirs', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const a = await login(u.email, u.password, ip());
    const b = await login(u.email, u.password, ip());
    const out = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { fig_refresh: cookie(a, 'fig_refresh')! },
    });
    expect(out.statusCode).toBe(204);
    const dead = await me(a.json<{ accessToken: string }>().accessToken);
    expect(dead.statusCode).toBe(401);
    expect(problem(dead)).toEqual({
      type: 'https://fig.dev/problems/fig-unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'The access token was revoked; refresh the session',
      code: 'FIG_UNAUTHORIZED',
    });
    expect((await me(b.json<{ accessToken: string }>().accessToken)).statusCode).toBe(200);
  });

  it('refresh-token reuse ends the access tokens of the whole family', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const first = await login(u.email, u.password, ip());
    const stolen = cookie(first, 'fig_refresh')!;
    const rotated = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: {},
      cookies: { fig_refresh: stolen },
    });
    const live = rotated.json<{ accessToken: string }>().accessToken;
    expect((await me(live)).statusCode).toBe(200);
    const replay = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: {},
      cookies: { fig_refresh: stolen },
    });
    expect(problem(replay)).toMatchObject({ code: 'FIG_REFRESH_REUSED' });
    expect((await me(live)).statusCode).toBe(401);
    expect((await me(first.json<{ accessToken: string }>().accessToken)).statusCode).toBe(401);
  });
});

describe('when Redis is down', () => {
  const fallbacks = async () =>
    (await app.metrics.registry.getSingleMetric('fig_auth_redis_fallbacks_total')!.get()).values.map((v) => ({
      labels: v.labels,
      value: v.value,
    }));
  const count = async (check: string, outcome: string) =>
    (await fallbacks()).find((v) => v.labels.check === check && v.labels.outcome === outcome)?.value ?? 0;

  it('refuses sign-in (fail closed, 503 with Retry-After) and counts it', async () => {
    const redis = deadRedis();
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const service = createIdentityService({
      db: app.db,
      redis,
      config: app.config,
      accessTokens: app.accessTokens,
      rbac: app.rbac,
      log: app.log,
      onRedisFallback: (check, outcome) => app.metrics.authRedisFallbacks.inc({ check, outcome }),
    });
    const before = await count('login_throttle', 'refused');
    const err = await service
      .login({ email: u.email, password: u.password }, { ip: '192.0.2.1', userAgent: null, requestId: null })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'FIG_AUTH_UNAVAILABLE',
      statusCode: 503,
      message: 'Sign-in is unavailable for a moment; try again shortly',
      extra: { retryAfter: 30 },
    });
    expect(await count('login_throttle', 'refused')).toBe(before + 1);
    redis.disconnect();
  });

  it('checks access-token revocation in Postgres instead (neither open nor closed) and counts it', async () => {
    const redis = deadRedis();
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const a = await login(u.email, u.password, ip());
    const b = await login(u.email, u.password, ip());
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { fig_refresh: cookie(a, 'fig_refresh')! },
    });
    const claims = (res: LightMyRequestResponse) =>
      app.accessTokens.verify(res.json<{ accessToken: string }>().accessToken);
    const deps = {
      redis,
      db: app.db,
      prefix: app.config.REDIS_PREFIX,
      log: app.log,
      onFallback: (check: 'token_revocation', outcome: 'database') =>
        app.metrics.authRedisFallbacks.inc({ check, outcome }),
    };
    const before = await count('token_revocation', 'database');
    expect(await identity.isAccessRevoked(deps as never, claims(a))).toBe(true);
    expect(await identity.isAccessRevoked(deps as never, claims(b))).toBe(false);
    expect(await identity.isAccessRevoked(deps as never, { ...claims(b), pv: claims(b).pv - 1 })).toBe(true);
    expect(await count('token_revocation', 'database')).toBe(before + 3);
    const text = await app.metrics.registry.metrics();
    expect(text).toContain('# TYPE fig_auth_redis_fallbacks_total counter');
    redis.disconnect();
  });
});
