import { sql, type Insertable } from 'kysely';
import type { Db } from '../../modules/core/db';
import type { ShadowSampleTable } from './tables';
import './tables';

export type NewSample = Insertable<ShadowSampleTable>;

/** Latency percentiles of one side. */
export interface SideLatency {
  p50Ms: number | null;
  p99Ms: number | null;
}

/** Aggregated shadow stats of a route over a window (or one minute of it). */
export interface ShadowTotals {
  /** Compared samples: match + mismatch + noise + error. */
  samples: number;
  matches: number;
  mismatches: number;
  /** Samples whose only differences were learned legacy-vs-legacy noise (counted as matches). */
  noise: number;
  errors: number;
  skipped: number;
  skippedByReason: Record<string, number>;
  /** (matches + noise) / samples; null without samples. */
  matchRate: number | null;
  /** Samples with a money difference above the tolerance. */
  moneyMismatches: number;
  maxMoneyDiff: string;
  legacy: SideLatency;
  new: SideLatency;
}

const num = (v: unknown): number => Number(v ?? 0);
const ms = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

/** Totals of a route over the last `windowSeconds`, not before `notBefore` (one indexed range scan of shadow.samples). */
export async function readTotals(db: Db, routeKey: string, windowSeconds: number, notBefore?: Date): Promise<ShadowTotals> {
  const since = notBefore
    ? sql<Date>`greatest(now() - make_interval(secs => ${windowSeconds}), ${notBefore}::timestamptz)`
    : sql<Date>`now() - make_interval(secs => ${windowSeconds})`;
  const row = await db
    .selectFrom('shadow.samples')
    .where('route_key', '=', routeKey)
    .where('at', '>=', since)
    .select([
      sql<string>`count(*) filter (where outcome <> 'skipped')`.as('samples'),
      sql<string>`count(*) filter (where outcome = 'match')`.as('matches'),
      sql<string>`count(*) filter (where outcome = 'mismatch')`.as('mismatches'),
      sql<string>`count(*) filter (where outcome = 'noise')`.as('noise'),
      sql<string>`count(*) filter (where outcome = 'error')`.as('errors'),
      sql<string>`count(*) filter (where outcome = 'skipped')`.as('skipped'),
      sql<string>`count(*) filter (where money_failing > 0)`.as('money'),
      sql<string>`coalesce(max(max_money_diff), 0)::text`.as('max_money'),
      sql<number | null>`percentile_cont(0.5) within group (order by legacy_ms) filter (where outcome <> 'skipped')`.as('l50'),
      sql<number | null>`percentile_cont(0.99) within group (order by legacy_ms) filter (where outcome <> 'skipped')`.as('l99'),
      sql<number | null>`percentile_cont(0.5) within group (order by new_ms) filter (where outcome <> 'skipped')`.as('n50'),
      sql<number | null>`percentile_cont(0.99) within group (order by new_ms) filter (where outcome <> 'skipped')`.as('n99'),
    ])
    .executeTakeFirstOrThrow();
  const reasons = await db
    .selectFrom('shadow.samples')
    .where('route_key', '=', routeKey)
    .where('at', '>=', since)
    .where('outcome', '=', 'skipped')
    .select(['skip_reason', sql<string>`count(*)`.as('n')])
    .groupBy('skip_reason')
    .execute();
  const samples = num(row.samples);
  const matches = num(row.matches);
  const noise = num(row.noise);
  return {
    samples,
    matches,
    mismatches: num(row.mismatches),
    noise,
    errors: num(row.errors),
    skipped: num(row.skipped),
    skippedByReason: Object.fromEntries(reasons.map((r) => [r.skip_reason ?? 'unknown', num(r.n)])),
    matchRate: samples ? (matches + noise) / samples : null,
    moneyMismatches: num(row.money),
    maxMoneyDiff: normaliseDecimal(row.max_money),
    legacy: { p50Ms: ms(row.l50), p99Ms: ms(row.l99) },
    new: { p50Ms: ms(row.n50), p99Ms: ms(row.n99) },
  };
}

/** One minute of a route's shadow stats. */
export interface ShadowMinute {
  minute: string;
  samples: number;
  matches: number;
  mismatches: number;
  noise: number;
  errors: number;
  skipped: number;
  legacyP50Ms: number | null;
  legacyP99Ms: number | null;
  newP50Ms: number | null;
  newP99Ms: number | null;
}

/** Per-minute buckets of the window, oldest first (minutes without samples are left out). */
export async function readMinutes(db: Db, routeKey: string, windowSeconds: number): Promise<ShadowMinute[]> {
  const rows = await db
    .selectFrom('shadow.samples')
    .where('route_key', '=', routeKey)
    .where('at', '>=', sql<Date>`now() - make_interval(secs => ${windowSeconds})`)
    .select([
      sql<Date>`date_trunc('minute', at)`.as('minute'),
      sql<string>`count(*) filter (where outcome <> 'skipped')`.as('samples'),
      sql<string>`count(*) filter (where outcome = 'match')`.as('matches'),
      sql<string>`count(*) filter (where outcome = 'mismatch')`.as('mismatches'),
      sql<string>`count(*) filter (where outcome = 'noise')`.as('noise'),
      sql<string>`count(*) filter (where outcome = 'error')`.as('errors'),
      sql<string>`count(*) filter (where outcome = 'skipped')`.as('skipped'),
      sql<number | null>`percentile_cont(0.5) within group (order by legacy_ms)`.as('l50'),
      sql<number | null>`percentile_cont(0.99) within group (order by legacy_ms)`.as('l99'),
      sql<number | null>`percentile_cont(0.5) within group (order by new_ms)`.as('n50'),
      sql<number | null>`percentile_cont(0.99) within group (order by new_ms)`.as('n99'),
    ])
    .groupBy(sql`date_trunc('minute', at)`)
    .orderBy(sql`date_trunc('minute', at)`)
    .execute();
  return rows.map((r) => ({
    minute: new Date(r.minute).toISOString(),
    samples: num(r.samples),
    matches: num(r.matches),
    mismatches: num(r.mismatches),
    noise: num(r.noise),
    errors: num(r.errors),
    skipped: num(r.skipped),
    legacyP50Ms: ms(r.l50),
    legacyP99Ms: ms(r.l99),
    newP50Ms: ms(r.n50),
    newP99Ms: ms(r.n99),
  }));
}

/** Most frequent differing paths of mismatching samples in the window. */
export async function readTopPaths(db: Db, routeKey: string, windowSeconds: number, limit = 20): Promise<{ path: string; count: number }[]> {
  const rows = await sql<{ path: string; n: string }>`
    select p as path, count(*) as n
    from shadow.samples s, unnest(s.diff_paths) p
    where s.route_key = ${routeKey} and s.outcome = 'mismatch'
      and s.at >= now() - make_interval(secs => ${windowSeconds})
    group by p order by count(*) desc, p limit ${limit}
  `.execute(db);
  return rows.rows.map((r) => ({ path: r.path, count: num(r.n) }));
}

/** Learned noise paths of a route (globs). */
export async function listNoisePaths(db: Db, routeKey: string): Promise<{ path: string; seen: number; lastSeen: string }[]> {
  const rows = await db.selectFrom('shadow.noise_paths').where('route_key', '=', routeKey).selectAll().orderBy('path').execute();
  return rows.map((r) => ({ path: r.path, seen: r.seen, lastSeen: r.last_seen.toISOString() }));
}

/** Record paths that differed legacy-vs-legacy. */
export async function addNoisePaths(db: Db, routeKey: string, paths: string[]): Promise<void> {
  if (!paths.length) return;
  await db
    .insertInto('shadow.noise_paths')
    .values([...new Set(paths)].map((path) => ({ route_key: routeKey, path })))
    .onConflict((oc) => oc.columns(['route_key', 'path']).doUpdateSet({ seen: sql<number>`shadow.noise_paths.seen + 1`, last_seen: sql<Date>`now()` }))
    .execute();
}

/** Store one mismatch in the corpus (already redacted). */
export async function insertMismatch(
  db: Db,
  row: { routeKey: string; request: unknown; legacy: unknown; candidate: unknown; diff: unknown },
): Promise<void> {
  await db
    .insertInto('shadow.mismatches')
    .values({
      route_key: row.routeKey,
      request: JSON.stringify(row.request),
      legacy: JSON.stringify(row.legacy),
      candidate: JSON.stringify(row.candidate),
      diff: JSON.stringify(row.diff),
    })
    .execute();
}

/** A page of the corpus, newest first (keyset cursor on id). */
export async function listMismatches(db: Db, routeKey: string, limit: number, cursor?: string) {
  let q = db.selectFrom('shadow.mismatches').where('route_key', '=', routeKey);
  const total = await q.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
  if (cursor) q = q.where('id', '<', cursor);
  const rows = await q.selectAll().orderBy('id', 'desc').limit(limit + 1).execute();
  const hasMore = rows.length > limit;
  const data = rows.slice(0, limit).map((r) => ({
    id: String(r.id),
    routeKey: r.route_key,
    at: r.at.toISOString(),
    request: r.request,
    legacy: r.legacy,
    candidate: r.candidate,
    diff: r.diff,
  }));
  return { data, total: num(total.n), hasMore, nextCursor: hasMore ? data[data.length - 1]!.id : null };
}

/** Delete samples and corpus rows older than `days`. */
export async function prune(db: Db, days: number): Promise<{ samples: number; mismatches: number }> {
  const cutoff = sql<Date>`now() - make_interval(days => ${days})`;
  const s = await db.deleteFrom('shadow.samples').where('at', '<', cutoff).executeTakeFirst();
  const m = await db.deleteFrom('shadow.mismatches').where('at', '<', cutoff).executeTakeFirst();
  return { samples: Number(s.numDeletedRows), mismatches: Number(m.numDeletedRows) };
}

/** Record a legacy id ↔ new id pair (first mapping of a legacy id wins). */
export async function putIdMapping(db: Db, m: { entity: string; legacyId: string; newId: string; routeKey: string }): Promise<void> {
  await db
    .insertInto('shadow.external_id_mappings')
    .values({ entity: m.entity, legacy_id: m.legacyId, new_id: m.newId, route_key: m.routeKey })
    .onConflict((oc) => oc.columns(['entity', 'legacy_id']).doNothing())
    .execute();
}

/** New ids of these legacy ids, where mapped. */
export async function findIdMappings(db: Db, entity: string, legacyIds: string[]): Promise<Map<string, string>> {
  if (!legacyIds.length) return new Map();
  const rows = await db
    .selectFrom('shadow.external_id_mappings')
    .where('entity', '=', entity)
    .where('legacy_id', 'in', [...new Set(legacyIds)])
    .select(['legacy_id', 'new_id'])
    .execute();
  return new Map(rows.map((r) => [r.legacy_id, r.new_id]));
}

/** Open a reconciliation issue (drift between the sides of a dual-write route). */
export async function openIssue(
  db: Db,
  i: { routeKey: string; entity: string; legacyId?: string | null; newId?: string | null; kind: string; detail: unknown },
): Promise<void> {
  await db
    .insertInto('shadow.reconciliation_issues')
    .values({ route_key: i.routeKey, entity: i.entity, legacy_id: i.legacyId ?? null, new_id: i.newId ?? null, kind: i.kind, detail: JSON.stringify(i.detail ?? {}) })
    .execute();
}

/** Reconciliation issues of a route (open first by default). */
export async function listIssues(db: Db, routeKey: string, status: 'open' | 'resolved' | 'failed' | 'all' = 'open') {
  let q = db.selectFrom('shadow.reconciliation_issues').where('route_key', '=', routeKey);
  if (status !== 'all') q = q.where('status', '=', status);
  return q.selectAll().orderBy('id').execute();
}

/** Close an issue with a resolution. */
export async function closeIssue(db: Db, id: string, status: 'resolved' | 'failed', resolution: string): Promise<void> {
  await db.updateTable('shadow.reconciliation_issues').set({ status, resolution, resolved_at: new Date() }).where('id', '=', id).execute();
}

/** Insert many samples in one statement. */
export async function insertSamples(db: Db, rows: NewSample[]): Promise<void> {
  if (rows.length) await db.insertInto('shadow.samples').values(rows).execute();
}

function normaliseDecimal(v: unknown): string {
  const s = String(v ?? '0');
  if (!s.includes('.')) return s;
  const t = s.replace(/0+$/, '').replace(/\.$/, '');
  return t === '-0' ? '0' : t;
}
