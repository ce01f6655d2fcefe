import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createTestDb } from '../../test/helpers';
import { createDb, withTenant, type Db } from '../core/db';
import { canonicalJson, GENESIS_HASH, recordAudit, verifyChain } from './index';

let db: Db;
beforeAll(async () => {
  db = createDb(await createTestDb(), { max: 6 });
});
afterAll(() => db.destroy());

const event = (tenantId: string, n: number) => ({
  tenantId,
  actor: 'ops@acme.test',
  actorId: randomUUID(),
  action: 'plan.update',
  entity: 'plan',
  entityId: `p-${n}`,
  before: { name: `old ${n}`, amount: '10.50', nested: { b: 1, a: [1, 'x', null] } },
  after: { name: `new ${n}`, amount: '11.00' },
  requestId: `req-${n}`,
  ip: '10.0.0.1',
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: 'q' }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"x":"q","z":1}]},"b":1}',
    );
  });
});

describe('recordAudit', () => {
  it('chains events per tenant from the genesis hash', async () => {
    const tenant = randomUUID();
    const first = await withTenant(db, tenant, (trx) => recordAudit(trx, event(tenant, 1)));
    const second = await withTenant(db, tenant, (trx) => recordAudit(trx, event(tenant, 2)));
    expect(first.seq).toBe(1);
    expect(second.seq).toBe(2);
    const rows = await withTenant(db, tenant, (trx) =>
      trx.selectFrom('audit.events').selectAll().orderBy('seq').execute(),
    );
    expect(rows.map((r) => r.prev_hash)).toEqual([GENESIS_HASH, first.hash]);
    expect(rows[0]!.after).toEqual({ name: 'new 1', amount: '11.00' });
    const report = await withTenant(db, tenant, (trx) => verifyChain(trx));
    expect(report).toEqual({ ok: true, checked: 2, headSeq: 2, headHash: second.hash, firstBroken: null });
  });

  it('rolls the event back with the action when the transaction fails', async () => {
    const tenant = randomUUID();
    await expect(
      withTenant(db, tenant, async (trx) => {
        await recordAudit(trx, event(tenant, 1));
        throw new Error('action failed');
      }),
    ).rejects.toThrow('action failed');
    const n = await withTenant(db, tenant, (trx) =>
      trx
        .selectFrom('audit.events')
        .select(sql<string>`count(*)`.as('n'))
        .executeTakeFirstOrThrow(),
    );
    expect(n.n).toBe('0');
  });

  it('never forks the chain under concurrent writers of one tenant', async () => {
    const tenant = randomUUID();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        withTenant(db, tenant, (trx) => recordAudit(trx, event(tenant, i))),
      ),
    );
    const report = await withTenant(db, tenant, (trx) => verifyChain(trx));
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(12);
  });

  it('refuses to write an event for another tenant than the transaction is scoped to', async () => {
    const tenant = randomUUID();
    const other = randomUUID();
    await expect(withTenant(db, tenant, (trx) => recordAudit(trx, event(other, 1)))).rejects.toThrow(
      /row-level security/,
    );
  });
});

describe('audit.events is append-only', () => {
  it('refuses UPDATE and DELETE, even for the owner', async () => {
    const tenant = randomUUID();
    await withTenant(db, tenant, (trx) => recordAudit(trx, event(tenant, 1)));
    await expect(
      sql`update audit.events set actor = 'mallory' where tenant_id = ${tenant}`.execute(db),
    ).rejects.toThrow(/append-only \(UPDATE refused\)/);
    await expect(sql`delete from audit.events where tenant_id = ${tenant}`.execute(db)).rejects.toThrow(
      /append-only \(DELETE refused\)/,
    );
    await expect(sql`truncate audit.events`.execute(db)).rejects.toThrow(/append-only \(TRUNCATE refused\)/);
  });

  it('does not let the app role update even with the trigger gone (no UPDATE grant)', async () => {
    const tenant = randomUUID();
    await withTenant(db, tenant, (trx) => recordAudit(trx, event(tenant, 1)));
    await expect(
      withTenant(db, tenant, (trx) => sql`update audit.events set actor = 'x'`.execute(trx)),
    ).rejects.toThrow(/permission denied/);
  });
});

describe('verifyChain', () => {
  async function tamper(statement: ReturnType<typeof sql>) {
    // As the superuser: disable the append-only trigger, change history, re-enable it.
    await db.transaction().execute(async (trx) => {
      await sql`alter table audit.events disable trigger events_append_only`.execute(trx);
      await statement.execute(trx);
      await sql`alter table audit.events enable trigger events_append_only`.execute(trx);
    });
  }

  it('detects an edited row and names it as the first broken link', async () => {
    const tenant = randomUUID();
    for (let i = 1; i <= 4; i++) await withTenant(db, tenant, (trx) => recordAudit(trx, event(tenant, i)));
    await tamper(
      sql`update audit.events set after = '{"name":"new 2","amount":"999.00"}' where tenant_id = ${tenant} and seq = 2`,
    );
    const report = await withTenant(db, tenant, (trx) => verifyChain(trx));
    expect(report.ok).toBe(false);
    expect(report.checked).toBe(1);
    expect(report.firstBroken).toMatchObject({ seq: 2, reason: 'hash_mismatch' });
  });

  it('detects a deleted row as a gap', async () => {
    const tenant = randomUUID();
    for (let i = 1; i <= 3; i++) await withTenant(db, tenant, (trx) => recordAudit(trx, event(tenant, i)));
    await tamper(sql`delete from audit.events where tenant_id = ${tenant} and seq = 2`);
    const report = await withTenant(db, tenant, (trx) => verifyChain(trx));
    expect(report.firstBroken).toMatchObject({ seq: 3, reason: 'seq_gap', expected: '2', actual: '3' });
  });

  it('detects a re-hashed edit through the broken link to the next event', async () => {
    const tenant = randomUUID();
    for (let i = 1; i <= 3; i++) await withTenant(db, tenant, (trx) => recordAudit(trx, event(tenant, i)));
    await tamper(sql`update audit.events set hash = repeat('a', 64) where tenant_id = ${tenant} and seq = 2`);
    const report = await withTenant(db, tenant, (trx) => verifyChain(trx));
    expect(report.firstBroken).toMatchObject({ seq: 2, reason: 'hash_mismatch' });
  });
});
