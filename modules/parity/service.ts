/** The parity reports use cases (one per file in service/). */
export { toReport, toMismatch, type ParityDeps } from './service/context';
export { createReport, enqueueRun, INLINE_MAX_EMPLOYEES, PARITY_JOB, PARITY_JOB_ATTEMPTS } from './service/create-report';
export { executeReport } from './service/execute-report';
export { getReport, listReports } from './service/get-report';
export { listMismatches } from './service/list-mismatches';
export { getEmployeeMismatches } from './service/get-employee-mismatches';
export { exportMismatches, EXPORT_COLUMNS, type ExportCell } from './service/export-mismatches';
export { signOff } from './service/sign-off';
export { engineGate } from './service/engine-gate';
