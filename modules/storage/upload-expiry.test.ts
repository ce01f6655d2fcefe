import { existsSync } from 'node:fs';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../test/auth';
import { buildTestApp, ownerDb } from '../../test/helpers';
import type { Config } from '../core/config';
import type { Db } from '../core/db';
import { expireIncompleteUploads } from './service/expire-uploads';
import { tmpStorageDir, tusClient } from './test-support';

let app: FastifyInstance;
let config: Config;
let owner: Db;
let base: string;
let admin: Awaited<ReturnType<typeof loginAs>>;

beforeAll(async () => {
  ({ app, config } = await buildTestApp({ STORAGE_DIR: tmpStorageDir(), UPLOAD_INCOMPLETE_TTL_S: '3600' }));
  owner = ownerDb(config);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  admin = await loginAs(app, { roles: ['admin'] });
}, 60_000);
afterAll(async () => {
  await owner?.destroy();
  await app?.close();
});

describe('incomplete tus uploads expire', () => {
  it('announces the expiry, then removes the row and the staged bytes once UPLOAD_INCOMPLETE_TTL_S has passed', async () => {
    const tus = tusClient(base, admin.tenantId, admin.headers);
    const content = Buffer.from('employee_id,base_salary\nE1,100\n');
    const { res, location } = await tus.create('late.csv', content.length);
    expect(res.status).toBe(201);
    const expires = Date.parse(res.headers.get('upload-expires') ?? '');
    expect(expires - Date.now()).toBeGreaterThan(3_500_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect((await tus.patch(location!, 0, content.subarray(0, 10))).status).toBe(204);
    const tusId = location!.split('/').at(-1)!;
    const staged = path.join(config.STORAGE_DIR, 'tus', tusId);
    expect(existsSync(staged)).toBe(true);

    const staging = new FileStore({ directory: path.join(config.STORAGE_DIR, 'tus') });
    const deps = { db: app.db, config, log: app.log };
    // Not yet expired: kept.
    expect(await expireIncompleteUploads(deps, staging)).toBe(0);
    expect((await tus.head(location!)).offset).toBe(10);

    // An hour and a second later (the row's creation time moved back): gone, audited, file removed.
    await sql`update runs.uploads set created_at = now() - interval '3601 seconds' where tus_id = ${tusId}`.execute(
      owner,
    );
    expect(await expireIncompleteUploads(deps, staging)).toBe(1);
    expect((await sql`select 1 from runs.uploads where tus_id = ${tusId}`.execute(owner)).rows).toHaveLength(
      0,
    );
    expect(existsSync(staged)).toBe(false);
    expect((await tus.head(location!)).res.status).toBe(404);
    const audit = await sql<{
      action: string;
    }>`select action from audit.events where tenant_id = ${admin.tenantId} and action = 'upload.expired'`.execute(
      owner,
    );
    expect(audit.rows).toEqual([{ action: 'upload.expired' }]);
    // Nothing left to expire.
    expect(await expireIncompleteUploads(deps, staging)).toBe(0);
  });

  it('never expires a finished upload', async () => {
    const tus = tusClient(base, admin.tenantId, admin.headers);
    const done = await tus.upload('done.csv', Buffer.from('employee_id,base_salary\nE1,100\n'));
    await sql`update runs.uploads set created_at = now() - interval '2 days' where id = ${done.uploadId}`.execute(
      owner,
    );
    const staging = new FileStore({ directory: path.join(config.STORAGE_DIR, 'tus') });
    expect(await expireIncompleteUploads({ db: app.db, config, log: app.log }, staging)).toBe(0);
    expect(
      (await sql`select 1 from runs.uploads where id = ${done.uploadId}`.execute(owner)).rows,
    ).toHaveLength(1);
  });
});
