import { z } from 'zod';

const DecimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a plain decimal string');

/** One band: revenue from `min_revenue` up gets `multiplier`. Decimal strings, as legacy answers. */
export const RevenueBand = z.object({ min_revenue: DecimalString, multiplier: DecimalString });

/** The body of GET /api/v1/admin/revenue-bands, identical to legacy's. */
export const RevenueBandTableBody = z.object({
  version: z.number().int().positive(),
  bands: z.array(RevenueBand).min(1),
  updated_at: z.string(),
});
export type RevenueBandTableBody = z.infer<typeof RevenueBandTableBody>;
