import { withTenant, type Db } from '../core/db';
import { findBandTableVersion } from '../bands/index';
import { EMPLOYEE_COLUMNS } from './legacy/employee-csv';
import * as repo from './repo';
import type { RunRecord, ScenarioRecord, UploadRecord } from './tables';

/** One record fig wrote that legacy did not have, and what replaying it on legacy gave. */
export interface ReverseSynced {
  entity: 'upload' | 'batch' | 'scenario' | 'band-version';
  figId: number;
  legacyId: number | null;
  /** `same-id`: legacy numbered it as fig did; `other-id`: legacy gave another id (clients holding fig's id see another record on legacy); `failed`. */
  outcome: 'same-id' | 'other-id' | 'failed';
  detail?: string;
}

export interface ReverseSyncReport {
  tenantId: string;
  checked: { uploads: number; batches: number; scenarios: number; bandVersions: number };
  synced: ReverseSynced[];
}

type Event =
  | { at: number; entity: 'band-version'; id: number }
  | { at: number; entity: 'upload'; id: number; record: UploadRecord }
  | { at: number; entity: 'batch'; id: number; record: RunRecord }
  | { at: number; entity: 'scenario'; id: number; record: ScenarioRecord; run: RunRecord };

const PAGE = 1000;

async function legacyIds(legacyUrl: string, path: string): Promise<Set<number>> {
  const ids = new Set<number>();
  for (let offset = 0; ; offset += PAGE) {
    const res = await fetch(new URL(`${path}?limit=${PAGE}&offset=${offset}`, legacyUrl), {
      signal: AbortSignal.timeout(60_000),
    });
    if (!res.ok)
      throw new Error(
        `legacy answered ${res.status} to GET ${path}: is it running? The reverse sync needs legacy up`,
      );
    const page = (await res.json()) as { items: { id: number }[]; total: number };
    for (const x of page.items) ids.add(x.id);
    if (page.items.length < PAGE || offset + PAGE >= page.total) return ids;
  }
}

async function allOf<T>(
  db: Db,
  tenantId: string,
  list: (
    trx: Parameters<Parameters<typeof withTenant>[2]>[0],
    limit: number,
    offset: number,
  ) => Promise<{ rows: T[] }>,
): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { rows } = await withTenant(db, tenantId, (trx) => list(trx, PAGE, offset));
    out.push(...rows);
    if (rows.length < PAGE) return out;
  }
}

/** CSV of an upload's stored rows in legacy's columns (the original file is not kept: legacy gets equal rows, not equal bytes). */
function csvOf(
  rows: { employee_id: string; name: string; department: string; inputs: Record<string, string> }[],
): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const line = (r: (typeof rows)[number]) =>
    EMPLOYEE_COLUMNS.map((c) =>
      cell(
        c === 'employee_id'
          ? r.employee_id
          : c === 'name'
            ? r.name
            : c === 'department'
              ? r.department
              : (r.inputs[c] ?? ''),
      ),
    ).join(',');
  return `${EMPLOYEE_COLUMNS.join(',')}\n${rows.map(line).join('\n')}\n`;
}

/**
 * The rollback policy's reverse sync (docs/shadow.md, ADR 0010): before the bonus family goes back
 * to legacy after writes in `new`, replay on legacy, through legacy's own API and in the order fig
 * wrote them, every record of `tenantId` legacy does not have — band versions, uploads (as a CSV of
 * the stored rows), batches, scenarios (which create their own batch, as on legacy). Legacy numbers
 * records itself: when nobody wrote to legacy meanwhile, it gives fig's ids (`same-id`); otherwise
 * the report says which record got which id. Idempotent: a record legacy has (by id) is skipped.
 */
export async function reverseSyncBonus(
  deps: { db: Db; legacyUrl: string },
  tenantId: string,
): Promise<ReverseSyncReport> {
  const { db, legacyUrl } = deps;
  const [lu, lb, ls] = [
    await legacyIds(legacyUrl, '/api/v1/uploads'),
    await legacyIds(legacyUrl, '/api/v1/batches'),
    await legacyIds(legacyUrl, '/api/v1/scenarios'),
  ];
  const bandsRes = await fetch(new URL('/api/v1/admin/revenue-bands', legacyUrl), {
    signal: AbortSignal.timeout(30_000),
  });
  const legacyBandVersion = ((await bandsRes.json()) as { version: number }).version;
  const uploads = await allOf(db, tenantId, repo.listUploads);
  const runs = await allOf(db, tenantId, repo.listRuns);
  const scenarios = await allOf(db, tenantId, repo.listScenarios);
  const report: ReverseSyncReport = {
    tenantId,
    checked: { uploads: uploads.length, batches: runs.length, scenarios: scenarios.length, bandVersions: 0 },
    synced: [],
  };

  const events: Event[] = [];
  for (let v = legacyBandVersion + 1; ; v++) {
    const t = await findBandTableVersion(db, v);
    if (!t) break;
    report.checked.bandVersions++;
    events.push({ at: Date.parse(t.updated_at), entity: 'band-version', id: v });
  }
  for (const u of uploads)
    if (!lu.has(u.id)) events.push({ at: u.created_at.getTime(), entity: 'upload', id: u.id, record: u });
  const byRun = new Map(scenarios.map((s) => [s.run_id, s]));
  for (const r of runs) {
    if (lb.has(r.id)) continue;
    const s = byRun.get(r.id);
    if (s && !ls.has(s.id))
      events.push({ at: s.created_at.getTime(), entity: 'scenario', id: s.id, record: s, run: r });
    else if (!s) events.push({ at: r.created_at.getTime(), entity: 'batch', id: r.id, record: r });
  }
  const order = { 'band-version': 0, upload: 1, batch: 2, scenario: 2 };
  events.sort((a, b) => a.at - b.at || order[a.entity] - order[b.entity] || a.id - b.id);

  const post = async (
    path: string,
    init: RequestInit,
  ): Promise<{ status: number; body: { id?: number; version?: number } }> => {
    const res = await fetch(new URL(path, legacyUrl), { ...init, signal: AbortSignal.timeout(300_000) });
    return {
      status: res.status,
      body: (await res.json().catch(() => ({}))) as { id?: number; version?: number },
    };
  };
  const json = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  for (const e of events) {
    let res: { status: number; body: { id?: number; version?: number } };
    if (e.entity === 'band-version') {
      const t = (await findBandTableVersion(db, e.id))!;
      res = await post('/api/v1/admin/revenue-bands', json('PUT', { bands: t.bands }));
      res.body.id = res.body.version;
    } else if (e.entity === 'upload') {
      const rows = await withTenant(db, tenantId, (trx) => repo.listUploadRows(trx, e.id));
      const form = new FormData();
      form.append('file', new Blob([csvOf(rows)], { type: 'text/csv' }), e.record.filename);
      res = await post('/api/v1/uploads', { method: 'POST', body: form });
    } else if (e.entity === 'batch') {
      res = await post(
        '/api/v1/batches',
        json('POST', {
          upload_id: e.record.upload_id,
          pool_amount: e.record.pool_amount,
          scenario_name: e.record.name,
        }),
      );
    } else {
      const custom = e.run.band_version === null;
      res = await post(
        '/api/v1/scenarios',
        json('POST', {
          upload_id: e.record.upload_id,
          name: e.record.name,
          pool_amount: e.run.pool_amount,
          ...(custom ? { bands: e.run.bands } : {}),
        }),
      );
    }
    const legacyId = typeof res.body.id === 'number' ? res.body.id : null;
    report.synced.push({
      entity: e.entity,
      figId: e.id,
      legacyId,
      outcome: res.status >= 300 || legacyId === null ? 'failed' : legacyId === e.id ? 'same-id' : 'other-id',
      ...(res.status >= 300
        ? { detail: `legacy answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}` }
        : {}),
    });
  }
  return report;
}
