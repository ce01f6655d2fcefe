import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../modules/core/config';
import type { Db } from '../../modules/core/db';
import { reconcileSession } from '../../modules/sessions/index';
import { reconcileBonusRecord, type BonusEntity } from '../../modules/runs/index';
import { APAR_ENTITIES, reconcileAparRecord } from '../../modules/apar/index';
import * as repo from './repo';

/** How one entity family is reconciled: make fig's copy of one legacy id equal legacy's. */
export type Reconciler = (
  deps: { db: Db; redis: Redis; redisPrefix: string; legacyUrl: string; legacyTenant: string },
  legacyId: string,
) => Promise<string>;

const bonus =
  (entity: BonusEntity): Reconciler =>
  (deps, legacyId) =>
    reconcileBonusRecord(deps, deps.legacyTenant, entity, legacyId);

/** Reconcilers by entity (see NormaliseRules.idEntity / entityOf; the bonus family's in legacy-shadow/families/bonus.ts). */
export const RECONCILERS: Record<string, Reconciler> = {
  '/api/v1/sessions': reconcileSession,
  upload: bonus('upload'),
  batch: bonus('batch'),
  scenario: bonus('scenario'),
  // AP/AR dual-write routes (their entity is the path before the id): copy what fig lacks, refuse to overwrite a difference.
  ...Object.fromEntries(
    APAR_ENTITIES.map((e): [string, Reconciler] => [
      e,
      (deps, legacyId) => reconcileAparRecord(deps, deps.legacyTenant, e, legacyId),
    ]),
  ),
};

export interface ReconcileReport {
  routeKey: string;
  open: number;
  resolved: number;
  failed: number;
  results: { id: string; entity: string; legacyId: string | null; outcome: string }[];
}

/**
 * Work through a route's open reconciliation issues: for each, the entity's reconciler makes
 * fig's copy equal legacy's; the issue is closed as resolved (with what was done) or failed.
 * A route key's family shares issues: `POST /api/v1/sessions` reconciles issues of every
 * /api/v1/sessions route when given the family's key.
 */
export async function reconcileRoute(
  deps: { db: Db; redis: Redis; config: Config; log: FastifyBaseLogger },
  routeKey: string,
): Promise<ReconcileReport> {
  const issues = await repo.listIssues(deps.db, routeKey, 'open');
  const report: ReconcileReport = { routeKey, open: issues.length, resolved: 0, failed: 0, results: [] };
  for (const issue of issues) {
    const reconciler = RECONCILERS[issue.entity];
    let outcome: string;
    if (!reconciler || !issue.legacy_id) {
      outcome = reconciler ? 'no legacy id on the issue' : `no reconciler for entity ${issue.entity}`;
      await repo.closeIssue(deps.db, issue.id, 'failed', outcome);
      report.failed++;
    } else {
      try {
        outcome = await reconciler(
          {
            db: deps.db,
            redis: deps.redis,
            redisPrefix: deps.config.REDIS_PREFIX,
            legacyUrl: deps.config.LEGACY_URL,
            legacyTenant: deps.config.LEGACY_TENANT,
          },
          issue.legacy_id,
        );
        await repo.closeIssue(deps.db, issue.id, 'resolved', outcome);
        report.resolved++;
      } catch (err) {
        outcome = `error: ${(err as Error).message}`;
        deps.log.warn({ err, routeKey, issueId: issue.id }, 'reconciliation failed; the issue stays open');
        report.failed++;
      }
    }
    report.results.push({ id: String(issue.id), entity: issue.entity, legacyId: issue.legacy_id, outcome });
  }
  return report;
}
