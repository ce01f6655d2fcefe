import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../../core/config';
import type { Db, Trx } from '../../core/db';
import { recordAudit } from '../../audit/index';
import type { BlobStore } from '../blob/blob-store';
import type { Scanner } from '../scanner';

/** Who acts: the signed-in caller in their tenant, or the worker ('system'). */
export interface Caller {
  tenantId: string;
  actor: string;
  actorId?: string | null;
  requestId?: string | null;
  ip?: string | null;
}

/** What storage's use cases need; built once per process (gateway plugin or worker job). */
export interface StorageDeps {
  db: Db;
  config: Config;
  store: BlobStore;
  log: FastifyBaseLogger | Logger;
  scanner?: Scanner;
}

/** Record a storage change in the tenant's audit chain, in the same transaction. */
export async function auditStorage(
  trx: Trx,
  caller: Caller,
  event: { action: string; entity: 'upload' | 'mapping_preset'; entityId: string; before?: unknown; after?: unknown },
): Promise<void> {
  await recordAudit(trx, {
    tenantId: caller.tenantId,
    actor: caller.actor,
    actorId: caller.actorId ?? null,
    action: event.action,
    entity: event.entity,
    entityId: event.entityId,
    before: event.before,
    after: event.after,
    requestId: caller.requestId ?? null,
    ip: caller.ip ?? null,
  });
}

/** Object keys of an upload's file: where it is kept, and where it goes when quarantined. */
export const objectKey = (tenantId: string, uploadId: number, ext: string) => `uploads/${tenantId}/${uploadId}/original${ext}`;
export const quarantineKey = (tenantId: string, uploadId: number, ext: string) => `quarantine/${tenantId}/${uploadId}/original${ext}`;
