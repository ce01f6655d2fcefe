import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDb, withTenant, type Db } from '../core/db';
import { testConfig } from '../../test/helpers';
import { bumpIdSequences } from './index';

const TENANT = '00000000-0000-4000-8000-00000000ac3e';
const OTHER = '00000000-0000-4000-8000-0000000061b0';

describe('runs tables: legacy ids, sequences and RLS', () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb((await testConfig()).APP_DATABASE_URL, { max: 2 });
  });
  afterAll(() => db?.destroy());

  it('takes legacy ids as given, then continues after the highest once the sequences are bumped', async () => {
    await withTenant(db, TENANT, async (trx) => {
      await trx.insertInto('runs.uploads').values({ id: 7, tenant_id: TENANT, filename: 'a.csv', row_count: 0, sha256: 'a'.repeat(64), content_type: null, storage_key: null }).execute();
      expect(await bumpIdSequences(trx, { 'runs.uploads': 5, 'runs.runs': 40 })).toEqual({ 'runs.uploads': 8, 'runs.runs': 41, 'runs.scenarios': 1 });
      const next = await trx.insertInto('runs.uploads').values({ tenant_id: TENANT, filename: 'b.csv', row_count: 0, sha256: 'b'.repeat(64), content_type: null, storage_key: null }).returning('id').executeTakeFirstOrThrow();
      expect(next.id).toBe(8);
      // never moves back
      expect((await bumpIdSequences(trx, { 'runs.uploads': 2 }))['runs.uploads']).toBe(9);
    });
  });

  it('keeps each tenant to its own rows', async () => {
    const seen = await withTenant(db, OTHER, (trx) => trx.selectFrom('runs.uploads').select('id').execute());
    expect(seen).toEqual([]);
    await expect(
      withTenant(db, OTHER, (trx) => trx.insertInto('runs.uploads').values({ tenant_id: TENANT, filename: 'x', row_count: 0, sha256: 'c'.repeat(64), content_type: null, storage_key: null }).execute()),
    ).rejects.toThrow(/row-level security/);
    const n = await withTenant(db, TENANT, (trx) => sql<{ n: string }>`select count(*) as n from runs.uploads`.execute(trx));
    expect(n.rows[0]?.n).toBe('2');
  });
});
