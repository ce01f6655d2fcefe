// The parity API's types come from the module's own zod schemas (type-only: nothing server-side is bundled).
import type { z } from 'zod';
import type {
  EmployeeDrillDown as EmployeeDrillDownSchema,
  GateCheck as GateCheckSchema,
} from '../../../../modules/parity/schema';

export type {
  CreateReportBody,
  EngineGate,
  Mismatch,
  ParityReport,
  ReportSource,
} from '../../../../modules/parity/schema';
export type { ListPage } from '../../lib/api-client';

export type EmployeeDrillDown = z.infer<typeof EmployeeDrillDownSchema>;
export type GateACheck = z.infer<typeof GateCheckSchema>;

/** Filters of the mismatch list (all optional; empty strings mean "any"). */
export interface MismatchFilters {
  output?: string;
  minDiff?: string;
  overToleranceOnly?: boolean;
}
