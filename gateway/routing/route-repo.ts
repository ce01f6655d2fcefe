import { sql } from 'kysely';
import type { Db } from '../../modules/core/db';
import { listPage, type Page } from '../../modules/core/pagination';
import type { ImportedRoute } from './openapi';
import type { RouteChangeRecord, RouteRecord, WritePolicy } from './tables';
import type { RouteChange, RouteSnapshot } from './schema';
import './tables';

/** One row of gateway.route_changes as the writers give it. */
export interface ChangeRow {
  actor: string;
  reason: string;
  requestId?: string;
  evidence?: unknown;
  override?: boolean;
}

/** Every row of gateway.routes. */
export function listRoutes(db: Db): Promise<RouteRecord[]> {
  return db.selectFrom('gateway.routes').selectAll().execute();
}

/** One route row, if it exists. */
export function findRoute(db: Db, key: string): Promise<RouteRecord | undefined> {
  return db.selectFrom('gateway.routes').selectAll().where('key', '=', key).executeTakeFirst();
}

/** Number of rows in gateway.routes. */
export async function countRoutes(db: Db): Promise<number> {
  const { count } = await db
    .selectFrom('gateway.routes')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

/**
 * Lock a route, let `decide` compute its next mode from the locked row, then write it and its
 * change row in one transaction. `decide` returning undefined changes and records nothing.
 */
export function flipRoute(
  db: Db,
  key: string,
  decide: (before: RouteRecord) => RouteSnapshot | undefined,
  change: ChangeRow,
): Promise<{ row: RouteRecord; changed: boolean; was: RouteSnapshot } | undefined> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('gateway.routes').selectAll().where('key', '=', key).forUpdate().executeTakeFirst();
    if (!before) return undefined;
    const was = snapshot(before);
    const after = decide(before);
    if (!after) return { row: before, changed: false, was };
    const row = await trx
      .updateTable('gateway.routes')
      .set({
        mode: after.mode,
        canary_percent: after.canaryPercent,
        module: after.module,
        version: sql<number>`version + 1`,
        updated_at: sql<Date>`now()`,
      })
      .where('key', '=', key)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('gateway.route_changes')
      .values({
        route_key: key,
        actor: change.actor,
        reason: change.reason,
        before: JSON.stringify(was),
        after: JSON.stringify(after),
        evidence: change.evidence === undefined ? null : JSON.stringify(change.evidence),
        override: change.override ?? false,
        request_id: change.requestId ?? null,
      })
      .execute();
    return { row, changed: true, was };
  });
}

/**
 * Lock every route of a group (in key order, so two group flips never deadlock), let `decide`
 * compute each next mode, then write them all and their change rows in one transaction: all or
 * nothing. A key missing from the table, or `decide` throwing for any row, rolls the whole group
 * back. `decide` returning undefined leaves that row as it is (no change row).
 */
export function flipRoutes(
  db: Db,
  keys: string[],
  decide: (before: RouteRecord) => RouteSnapshot | undefined,
  change: (key: string) => ChangeRow,
): Promise<{ rows: RouteRecord[]; changed: { key: string; was: RouteSnapshot }[]; missing: string[] }> {
  return db.transaction().execute(async (trx) => {
    const sorted = [...new Set(keys)].sort();
    const locked = sorted.length ? await trx.selectFrom('gateway.routes').selectAll().where('key', 'in', sorted).orderBy('key').forUpdate().execute() : [];
    const found = new Set(locked.map((r) => r.key));
    const missing = sorted.filter((k) => !found.has(k));
    if (missing.length) return { rows: locked, changed: [], missing };
    const rows: RouteRecord[] = [];
    const changed: { key: string; was: RouteSnapshot }[] = [];
    for (const before of locked) {
      const was = snapshot(before);
      const after = decide(before);
      if (!after) {
        rows.push(before);
        continue;
      }
      const row = await trx
        .updateTable('gateway.routes')
        .set({ mode: after.mode, canary_percent: after.canaryPercent, module: after.module, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
        .where('key', '=', before.key)
        .returningAll()
        .executeTakeFirstOrThrow();
      const c = change(before.key);
      await trx
        .insertInto('gateway.route_changes')
        .values({
          route_key: before.key,
          actor: c.actor,
          reason: c.reason,
          before: JSON.stringify(was),
          after: JSON.stringify(after),
          evidence: c.evidence === undefined ? null : JSON.stringify(c.evidence),
          override: c.override ?? false,
          request_id: c.requestId ?? null,
        })
        .execute();
      rows.push(row);
      changed.push({ key: before.key, was });
    }
    return { rows, changed, missing };
  });
}

/** The shadow settings of a route (stored as jsonb; validated by the shadow's own schemas). */
export interface RouteSettings {
  writePolicy?: WritePolicy;
  normalise?: unknown;
  gate?: unknown;
}

/** Write a route's shadow settings and their change row in one transaction; undefined when the route does not exist. */
export function updateRouteSettings(db: Db, key: string, settings: RouteSettings, change: ChangeRow): Promise<RouteRecord | undefined> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('gateway.routes').selectAll().where('key', '=', key).forUpdate().executeTakeFirst();
    if (!before) return undefined;
    const updated = await trx
      .updateTable('gateway.routes')
      .set({
        ...(settings.writePolicy ? { write_policy: settings.writePolicy } : {}),
        ...(settings.normalise ? { normalise: JSON.stringify(settings.normalise) } : {}),
        ...(settings.gate ? { gate: JSON.stringify(settings.gate) } : {}),
        version: sql<number>`version + 1`,
        updated_at: sql<Date>`now()`,
      })
      .where('key', '=', key)
      .returningAll()
      .executeTakeFirstOrThrow();
    const snap = (r: RouteRecord) => ({ mode: r.mode, canaryPercent: r.canary_percent, module: r.module, writePolicy: r.write_policy, normalise: r.normalise, gate: r.gate });
    await trx
      .insertInto('gateway.route_changes')
      .values({
        route_key: key,
        actor: change.actor,
        reason: change.reason,
        before: JSON.stringify(snap(before)),
        after: JSON.stringify(snap(updated)),
        evidence: null,
        override: false,
        request_id: change.requestId ?? null,
      })
      .execute();
    return updated;
  });
}

/** Send every non-legacy route to legacy in one transaction, one change row each; the keys changed. */
export function sendAllToLegacy(db: Db, change: ChangeRow): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('gateway.routes')
      .selectAll()
      .where('mode', '<>', 'legacy')
      .orderBy('key')
      .forUpdate()
      .execute();
    if (rows.length === 0) return [];
    await trx
      .updateTable('gateway.routes')
      .set({ mode: 'legacy', version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
      .where(
        'key',
        'in',
        rows.map((r) => r.key),
      )
      .execute();
    await trx
      .insertInto('gateway.route_changes')
      .values(
        rows.map((r) => ({
          route_key: r.key,
          actor: change.actor,
          reason: change.reason,
          before: JSON.stringify(snapshot(r)),
          after: JSON.stringify({ ...snapshot(r), mode: 'legacy' }),
          evidence: null,
          override: false,
          request_id: change.requestId ?? null,
        })),
      )
      .execute();
    return rows.map((r) => r.key);
  });
}

/** Insert or refresh (summary, tags) one row per imported operation; counts of each. */
export async function upsertImported(db: Db, ops: ImportedRoute[]): Promise<{ added: number; updated: number }> {
  let added = 0;
  let updated = 0;
  if (!ops.length) return { added, updated };
  const rows = await db
    .insertInto('gateway.routes')
    .values(ops.map((o) => ({ key: o.key, method: o.method, path_template: o.path, summary: o.summary, tags: o.tags, source: 'openapi' })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        summary: eb.ref('excluded.summary'),
        tags: eb.ref('excluded.tags'),
        updated_at: sql<Date>`now()`,
      })),
    )
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .execute();
  for (const r of rows) {
    if (r.inserted) added++;
    else updated++;
  }
  return { added, updated };
}

/** Rows that came from the legacy OpenAPI document. */
export function listImported(db: Db): Promise<RouteRecord[]> {
  return db.selectFrom('gateway.routes').selectAll().where('source', '=', 'openapi').execute();
}

/** Delete routes legacy no longer documents, each with a change row saying where it went. */
export async function deleteUndocumented(db: Db, rows: RouteRecord[]): Promise<void> {
  if (!rows.length) return;
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('gateway.routes')
      .where(
        'key',
        'in',
        rows.map((r) => r.key),
      )
      .execute();
    await trx
      .insertInto('gateway.route_changes')
      .values(
        rows.map((r) => ({
          route_key: r.key,
          actor: 'openapi-import',
          reason: 'no longer in the legacy OpenAPI document',
          before: JSON.stringify(snapshot(r)),
          after: null,
        })),
      )
      .execute();
  });
}

/** Audit trail of route changes, newest first. */
export function listChanges(db: Db, filter: { routeKey?: string; limit?: number; cursor?: string }): Promise<Page<RouteChange>> {
  let q = db.selectFrom('gateway.route_changes');
  if (filter.routeKey) q = q.where('route_key', '=', filter.routeKey);
  return listPage(
    { cursor: filter.cursor, limit: filter.limit ?? 50 },
    async (offset, limit) => {
      const [rows, total] = await Promise.all([
        q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
        q.select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(total.count) };
    },
    toChange,
  );
}

/** Mode, canary percent and module of a route row, as recorded in route changes. */
export function snapshot(r: RouteRecord): RouteSnapshot {
  return { mode: r.mode, canaryPercent: r.canary_percent, module: r.module };
}

function toChange(r: RouteChangeRecord): RouteChange {
  return {
    id: String(r.id),
    routeKey: r.route_key,
    actor: r.actor,
    reason: r.reason,
    before: r.before ?? null,
    after: r.after ?? null,
    evidence: r.evidence ?? null,
    override: r.override,
    requestId: r.request_id,
    createdAt: r.created_at.toISOString(),
  };
}
