import type { FastifyPluginAsync } from 'fastify';
import type { FigModule } from '../core/module';
import type { Config } from '../core/config';
import { auditRoutes } from './routes';
import './tables';

export { recordAudit, type AuditInput, type RecordedAudit } from './record-audit';
export { verifyChain, type ChainReport, type BrokenLink } from './verify-chain';
export { canonicalJson, GENESIS_HASH } from './canonical';
export { toAuditEvent } from './service/list-audit-events';
export type { AuditEvent } from './schema';

const plugin: FastifyPluginAsync<{ config: Config }> = async (app) => {
  await app.register(auditRoutes);
};

/** The audit module: the append-only hash-chained trail and its read API. */
export const auditModule: FigModule = { name: 'audit', plugin };
