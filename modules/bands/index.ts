import type { FigModule } from '../core/module';
import { getRevenueBands } from './service';

export { syncBandsFromLegacy } from './service';
export { findCurrentBandTable, appendBandTable, findBandTableVersion, insertBandTableVersion } from './repo';
export { RevenueBandTableBody, RevenueBand } from './schema';

/**
 * Revenue bands: the first legacy route fig answers itself. Serves
 * `GET /api/v1/admin/revenue-bands` (route modes new/shadow/canary) from comp.revenue_band_tables,
 * with the same JSON body legacy answers. Band writes stay on legacy for now; `bands sync`
 * copies legacy's current table into fig.
 */
export const bandsModule: FigModule = {
  name: 'bands',
  serves: {
    'GET /api/v1/admin/revenue-bands': getRevenueBands,
  },
};
