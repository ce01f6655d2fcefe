import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildTestApp } from '../../test/helpers';
import { loginAs } from '../../test/auth';
import { isTrustedProxy, loadConfig } from '../config';
import { usableForwardedFor } from './client-address';

const CLIENT = '203.0.113.5';
const PROXY = '10.0.0.7';
const SPOOF = '=HYPERLINK("http://evil.example","x")';

async function ownerQuery<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

describe('TRUSTED_PROXIES in config', () => {
  it('trusts nobody by default and matches addresses, CIDRs and IPv4-mapped peers when set', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(isTrustedProxy(loadConfig({}), '127.0.0.1')).toBe(false);
    const c = loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.1,fd00::/8' });
    expect(c.trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.1', 'fd00::/8']);
    expect(['10.9.8.7', '::ffff:10.1.1.1', '192.0.2.1', 'fd00::1'].map((a) => isTrustedProxy(c, a))).toEqual([true, true, true, true]);
    expect(['11.0.0.1', '192.0.2.2', 'fe80::1', 'not-an-ip', undefined].map((a) => isTrustedProxy(c, a))).toEqual([false, false, false, false, false]);
  });

  it('refuses an entry that is not an IP address or CIDR', () => {
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES: must be comma-separated IP addresses or CIDRs/);
    expect(() => loadConfig({ TRUSTED_PROXIES: 'proxy.internal' })).toThrow(/TRUSTED_PROXIES/);
  });

  it('keeps only the valid nearest hops of an X-Forwarded-For', () => {
    expect(usableForwardedFor('198.51.100.1, 10.0.0.2')).toEqual(['198.51.100.1', '10.0.0.2']);
    expect(usableForwardedFor(`198.51.100.1, ${SPOOF}, 10.0.0.2`)).toEqual(['10.0.0.2']);
    expect(usableForwardedFor('1.2.3.4:80')).toEqual([]);
  });
});

describe('client address from an untrusted client (TRUSTED_PROXIES unset)', () => {
  let app: FastifyInstance;
  let ownerUrl: string;
  beforeAll(async () => {
    let config;
    ({ app, config } = await buildTestApp({ TRUSTED_PROXIES: '', RATE_LIMIT_AUTH_PER_MIN: '3' }));
    ownerUrl = config.MIGRATION_DATABASE_URL;
  });
  afterAll(() => app.close());

  it('rate-limits by the socket address however X-Forwarded-For rotates', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: CLIENT,
        headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
        payload: { email: `nobody-${i}@test.fig`, password: 'wrong-password-123' },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('records the socket address, not the spoofed one, in auth and audit events', async () => {
    const email = 'spoof-audit@test.fig';
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '203.0.113.77',
      headers: { 'x-forwarded-for': SPOOF },
      payload: { email, password: 'wrong-password-123' },
    });
    const auth = await ownerQuery<{ ip: string }>(ownerUrl, `select ip from identity.auth_events where email = $1`, [email]);
    expect(auth).toEqual([{ ip: '203.0.113.77' }]);

    const hr = await loginAs(app, { roles: ['hr'] });
    const created = await app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${hr.tenantId}/bonus-plans`,
      remoteAddress: '203.0.113.78',
      headers: { ...hr.headers, 'x-forwarded-for': SPOOF },
      payload: { name: 'ip audit' },
    });
    expect(created.statusCode).toBe(201);
    const audit = await ownerQuery<{ ip: string }>(ownerUrl, `select ip from audit.events where tenant_id = $1 and entity_id = $2`, [hr.tenantId, created.json().id]);
    expect(audit).toEqual([{ ip: '203.0.113.78' }]);
  });

  it('replaces a client X-Request-Id with a fresh one', async () => {
    const res = await app.inject({ url: '/healthz', remoteAddress: CLIENT, headers: { 'x-request-id': 'client-chosen-1' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe('ip columns in the database', () => {
  it('refuses anything but an IP address, whoever writes it', async () => {
    const { app, config } = await buildTestApp();
    try {
      const insert = (ip: string) =>
        ownerQuery(config.MIGRATION_DATABASE_URL, `insert into identity.auth_events (type, ip) values ('probe', $1)`, [ip]).then(
          () => 'stored',
          (err: Error) => err.message,
        );
      expect(await Promise.all(['203.0.113.9', '2001:db8::1', SPOOF, '1.2.3.4, 5.6.7.8', ''].map(insert))).toEqual([
        'stored',
        'stored',
        'new row for relation "auth_events" violates check constraint "auth_events_ip_is_address"',
        'new row for relation "auth_events" violates check constraint "auth_events_ip_is_address"',
        'new row for relation "auth_events" violates check constraint "auth_events_ip_is_address"',
      ]);
    } finally {
      await app.close();
    }
  });
});

describe('client address through a trusted proxy', () => {
  let app: FastifyInstance;
  let ownerUrl: string;
  beforeAll(async () => {
    let config;
    ({ app, config } = await buildTestApp({ TRUSTED_PROXIES: '10.0.0.0/24', RATE_LIMIT_AUTH_PER_MIN: '2' }));
    ownerUrl = config.MIGRATION_DATABASE_URL;
  });
  afterAll(() => app.close());

  it('honours the proxy\'s X-Forwarded-For: each forwarded client has its own rate limit', async () => {
    const send = (client: string, i: number) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: PROXY,
        headers: { 'x-forwarded-for': client },
        payload: { email: `fwd-${client}-${i}@test.fig`, password: 'wrong-password-123' },
      });
    const a = [await send('198.51.100.10', 1), await send('198.51.100.10', 2), await send('198.51.100.10', 3)];
    const b = await send('198.51.100.11', 1);
    expect([...a, b].map((r) => r.statusCode)).toEqual([401, 401, 429, 401]);
    const rows = await ownerQuery<{ ip: string }>(ownerUrl, `select ip from identity.auth_events where email = $1`, ['fwd-198.51.100.11-1@test.fig']);
    expect(rows).toEqual([{ ip: '198.51.100.11' }]);
  });

  it('stores the nearest valid hop when a client smuggled garbage into the chain', async () => {
    const email = 'fwd-garbage@test.fig';
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: PROXY,
      headers: { 'x-forwarded-for': `${SPOOF}, 198.51.100.20` },
      payload: { email, password: 'wrong-password-123' },
    });
    const rows = await ownerQuery<{ ip: string }>(ownerUrl, `select ip from identity.auth_events where email = $1`, [email]);
    expect(rows).toEqual([{ ip: '198.51.100.20' }]);
  });

  it('keeps a well-formed X-Request-Id from the proxy and replaces a malformed one', async () => {
    const kept = await app.inject({ url: '/healthz', remoteAddress: PROXY, headers: { 'x-request-id': 'edge-1.a_b-C' } });
    expect(kept.headers['x-request-id']).toBe('edge-1.a_b-C');
    for (const bad of ['has space', 'a'.repeat(129), 'semi;colon', 'x:y']) {
      const res = await app.inject({ url: '/healthz', remoteAddress: PROXY, headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
  });
});
