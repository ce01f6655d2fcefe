import type { NormaliseRules, WritePolicy } from '../http/rules';

/**
 * The legacy bonus route family (issue 13): calculate, uploads, batches, scenarios and the
 * revenue-band write, served by modules/runs. What the shadow needs to compare the two sides of
 * each route without noise: which fields are per-call (timestamps, request ids), which hold ids
 * (mapped through shadow.external_id_mappings while dual-writing), and how writes are shadowed.
 *
 * Nothing money-like is ignored: every decimal string on these routes is compared exactly
 * (money tolerance 0), so a cent that moves is a mismatch, not noise.
 */

/** Every key of the family, as in legacy's OpenAPI document. */
export const BONUS_ROUTE_KEYS = [
  'POST /api/v1/calculate',
  'GET /api/v1/uploads',
  'POST /api/v1/uploads',
  'GET /api/v1/uploads/{id}',
  'GET /api/v1/uploads/{id}/rows',
  'GET /api/v1/batches',
  'POST /api/v1/batches',
  'GET /api/v1/batches/{id}',
  'GET /api/v1/batches/{id}/results',
  'GET /api/v1/batches/{id}/export.csv',
  'GET /api/v1/scenarios',
  'POST /api/v1/scenarios',
  'GET /api/v1/scenarios/{id}',
  'GET /api/v1/scenarios/{id}/compare/{other}',
  'PUT /api/v1/admin/revenue-bands',
] as const;

/** Path prefixes that select the family in a group flip (PUT revenue-bands is listed by key: GET is the bands module's). */
export const BONUS_PREFIXES = [
  '/api/v1/calculate',
  '/api/v1/uploads',
  '/api/v1/batches',
  '/api/v1/scenarios',
] as const;

/** Fields every response of the family may carry that differ per call on any side. */
const PER_CALL = ['$..request_id', '$..requestId'];

/** Stored normalisation rules and write policy of one route of the family. */
export interface FamilyRouteSettings {
  writePolicy: WritePolicy;
  normalise: Partial<NormaliseRules>;
}

const read = (
  ignore: string[],
  idPaths: string[],
  idEntity: string,
  idParam?: string,
): FamilyRouteSettings => ({
  writePolicy: 'skip',
  normalise: {
    ignore: [...PER_CALL, ...ignore],
    idPaths,
    idEntity,
    ...(idParam ? { idParam } : {}),
    moneyTolerance: '0',
  },
});
const write = (ignore: string[], idPaths: string[], idEntity: string): FamilyRouteSettings => ({
  writePolicy: 'dual-write',
  // reverseShadow: in `new`, every write is replayed to legacy while it runs (the rollback policy, ADR 0010).
  normalise: {
    ignore: [...PER_CALL, ...ignore],
    idPaths,
    idEntity,
    idField: '$.id',
    moneyTolerance: '0',
    reverseShadow: true,
  },
});

/** Batch and scenario fields holding ids of other entities: mapped, then compared. */
const BATCH_IDS = ['$.id', '$.upload_id'];
const SCENARIO_IDS = ['$.id', '$.upload_id', '$.batch_id'];
const each = (paths: string[], at: string) => paths.map((p) => p.replace('$', at));

/** The settings of every route of the family. */
export const BONUS_ROUTE_SETTINGS: Record<(typeof BONUS_ROUTE_KEYS)[number], FamilyRouteSettings> = {
  // A pure computation (dry-run: it writes nothing anyway): no ids, no timestamps; band_version must
  // match (the backfill copies band versions with their numbers).
  'POST /api/v1/calculate': { writePolicy: 'dry-run', normalise: { ignore: PER_CALL, moneyTolerance: '0' } },
  'GET /api/v1/uploads': read(['$.items[*].created_at'], ['$.items[*].id'], 'upload'),
  'POST /api/v1/uploads': write(['$.created_at'], ['$.id'], 'upload'),
  'GET /api/v1/uploads/{id}': read(['$.created_at'], ['$.id'], 'upload', 'id'),
  'GET /api/v1/uploads/{id}/rows': read([], [], 'upload', 'id'),
  'GET /api/v1/batches': read(['$.items[*].created_at'], each(BATCH_IDS, '$.items[*]'), 'batch'),
  'POST /api/v1/batches': write(['$.created_at'], BATCH_IDS, 'batch'),
  'GET /api/v1/batches/{id}': read(['$.created_at'], BATCH_IDS, 'batch', 'id'),
  'GET /api/v1/batches/{id}/results': read([], [], 'batch', 'id'),
  'GET /api/v1/batches/{id}/export.csv': read([], [], 'batch', 'id'),
  'GET /api/v1/scenarios': read(['$.items[*].created_at'], each(SCENARIO_IDS, '$.items[*]'), 'scenario'),
  'POST /api/v1/scenarios': write(['$.created_at'], SCENARIO_IDS, 'scenario'),
  'GET /api/v1/scenarios/{id}': read(['$.created_at'], SCENARIO_IDS, 'scenario', 'id'),
  'GET /api/v1/scenarios/{id}/compare/{other}': read(
    ['$.base.created_at', '$.other.created_at'],
    [...each(SCENARIO_IDS, '$.base'), ...each(SCENARIO_IDS, '$.other')],
    'scenario',
    'id',
  ),
  // Legacy bumps the version; fig writes the same version number (dual-write), so version is compared.
  'PUT /api/v1/admin/revenue-bands': {
    writePolicy: 'dual-write',
    normalise: {
      ignore: [...PER_CALL, '$.updated_at'],
      idField: '$.version',
      idEntity: 'band-version',
      moneyTolerance: '0',
      reverseShadow: true,
    },
  },
};

/** The family's settings of a route key, if it belongs to the family. */
export function familySettingsOf(key: string): FamilyRouteSettings | undefined {
  return (BONUS_ROUTE_SETTINGS as Record<string, FamilyRouteSettings>)[key];
}

/** Whether a route key belongs to the bonus family. */
export const isBonusRoute = (key: string): boolean => familySettingsOf(key) !== undefined;
