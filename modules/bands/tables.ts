import type { ColumnType } from 'kysely';

export interface RevenueBandTableTable {
  version: number;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  source: ColumnType<'seed' | 'legacy-sync' | 'fig', 'seed' | 'legacy-sync' | 'fig' | undefined, 'seed' | 'legacy-sync' | 'fig'>;
}

export interface RevenueBandTable {
  version: number;
  position: number;
  /** numeric(38,10): a string from pg, never a JS number. */
  min_revenue: ColumnType<string, string, never>;
  multiplier: ColumnType<string, string, never>;
}

declare module '../core/database' {
  interface Database {
    'comp.revenue_band_tables': RevenueBandTableTable;
    'comp.revenue_bands': RevenueBandTable;
  }
}
