import type { ColumnType, Generated, Selectable } from 'kysely';

/** gateway.routes: one row per legacy route key (see migrations/0001). */
export interface RouteTableRow {
  key: string;
  method: string;
  path_template: string;
  mode: ColumnType<RouteMode, RouteMode | undefined, RouteMode>;
  canary_percent: ColumnType<number, number | undefined, number>;
  module: string | null;
  write_policy: ColumnType<WritePolicy, WritePolicy | undefined, WritePolicy>;
  normalise: ColumnType<unknown, string | undefined, string>;
  gate: ColumnType<unknown, string | undefined, string>;
  summary: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  source: ColumnType<string, string | undefined, string>;
  version: ColumnType<number, number | undefined, number>;
  /** Pinned canary hash seed (migrations/0035): set once at insert, never changed. */
  canary_seed: ColumnType<string, string | undefined, never>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** gateway.route_changes: append-only audit of every flip. */
export interface RouteChangeTableRow {
  id: Generated<string>;
  route_key: string;
  actor: string;
  reason: string;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  evidence: ColumnType<unknown, string | null, never>;
  override: ColumnType<boolean, boolean | undefined, never>;
  request_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type RouteMode = 'legacy' | 'shadow' | 'canary' | 'new';
export type WritePolicy = 'skip' | 'dry-run' | 'dual-write';
export type RouteRecord = Selectable<RouteTableRow>;
export type RouteChangeRecord = Selectable<RouteChangeTableRow>;

declare module '../../modules/core/database' {
  interface Database {
    'gateway.routes': RouteTableRow;
    'gateway.route_changes': RouteChangeTableRow;
  }
}
