import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp, ownerDb } from '../../test/helpers';
import { createUserWithRoles, loginAs } from '../../test/auth';
import { withTenant } from '../core/db';
import { recordAudit } from './index';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildTestApp());
});
afterAll(() => app.close());

describe('audit events API', () => {
  it('lists, filters, verifies and exports the tenant trail for auditors; refuses other roles', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const auditor = await loginAs(app, { roles: ['auditor'], tenantId: admin.tenantId });
    const hr = await createUserWithRoles(app, { tenantId: admin.tenantId, roles: ['hr'] });
    const put = await app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${admin.tenantId}/members/${hr.userId}/roles`,
      headers: { ...admin.headers, 'x-request-id': 'req-audit-1' },
      payload: { roles: ['hr', 'manager'] },
    });
    expect(put.statusCode).toBe(200);
    await withTenant(app.db, admin.tenantId, (trx) =>
      recordAudit(trx, {
        tenantId: admin.tenantId,
        actor: '=HYPERLINK("http://evil")',
        action: 'test.inject',
        entity: 'cell',
        entityId: '+1+cmd',
        after: { note: '@SUM(A1)' },
      }),
    );

    const list = await app.inject({
      url: '/api/v1/audit-events?action=member.roles.update',
      headers: auditor.headers,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, hasMore: false, nextCursor: null });
    expect(list.json().data[0]).toMatchObject({
      actor: admin.email,
      actorId: admin.userId,
      action: 'member.roles.update',
      entity: 'membership',
      entityId: hr.userId,
      before: { roles: ['hr'] },
      after: { roles: ['hr', 'manager'] },
      requestId: 'req-audit-1',
      ip: '127.0.0.1',
    });
    const paged = await app.inject({ url: '/api/v1/audit-events?limit=2', headers: auditor.headers });
    expect(paged.json()).toMatchObject({
      hasMore: true,
      data: [{ action: 'test.inject' }, { action: 'member.roles.update' }],
    });
    const next = await app.inject({
      url: `/api/v1/audit-events?limit=2&cursor=${paged.json().nextCursor}`,
      headers: auditor.headers,
    });
    expect(next.json().data[0].seq).toBe(paged.json().data[1].seq - 1);
    const byActor = await app.inject({
      url: `/api/v1/audit-events?actor=${encodeURIComponent(admin.email)}`,
      headers: auditor.headers,
    });
    expect(byActor.json().total).toBe(1);
    const future = await app.inject({
      url: `/api/v1/audit-events?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      headers: auditor.headers,
    });
    expect(future.json().total).toBe(0);

    const verify = await app.inject({ url: '/api/v1/audit-events/verify', headers: auditor.headers });
    expect(verify.json()).toMatchObject({ ok: true, firstBroken: null, checked: paged.json().total });

    const csv = await app.inject({ url: '/api/v1/audit-events/export.csv', headers: auditor.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'seq,created_at,actor,actor_id,action,entity,entity_id,request_id,ip,before,after,prev_hash,hash',
    );
    const injected = lines.find((l) => l.includes('test.inject'))!;
    expect(injected).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(injected).toContain(",'+1+cmd,");
    expect(injected).not.toMatch(/,[=+@-]/);

    const readonly = await loginAs(app, { roles: ['readonly'], tenantId: admin.tenantId });
    for (const url of [
      '/api/v1/audit-events',
      '/api/v1/audit-events/verify',
      '/api/v1/audit-events/export.csv',
    ]) {
      expect((await app.inject({ url, headers: readonly.headers })).statusCode).toBe(403);
    }
  });

  it('reports the first broken link after a superuser edits history', async () => {
    const auditor = await loginAs(app, { roles: ['auditor'] });
    for (let i = 0; i < 3; i++) {
      await withTenant(app.db, auditor.tenantId, (trx) =>
        recordAudit(trx, {
          tenantId: auditor.tenantId,
          actor: 'x@test.fig',
          action: 'thing.update',
          entity: 'thing',
          entityId: String(i),
          after: { n: i },
        }),
      );
    }
    const events = await app.inject({
      url: '/api/v1/audit-events?action=thing.update',
      headers: auditor.headers,
    });
    const target = events.json().data.find((e: { entityId: string }) => e.entityId === '1');
    // app.db is the app's role, which can do none of this; the owner (a superuser here) can.
    const owner = ownerDb(app.config);
    try {
      await owner.transaction().execute(async (trx) => {
        await sql`alter table audit.events disable trigger events_append_only`.execute(trx);
        await sql`update audit.events set after = '{"n": 100}' where id = ${target.id}`.execute(trx);
        await sql`alter table audit.events enable trigger events_append_only`.execute(trx);
      });
    } finally {
      await owner.destroy();
    }
    const verify = await app.inject({ url: '/api/v1/audit-events/verify', headers: auditor.headers });
    expect(verify.json()).toMatchObject({
      ok: false,
      firstBroken: { id: target.id, seq: target.seq, reason: 'hash_mismatch', expected: target.hash },
    });
  });
});
