import { api, apiBlob, type ListPage } from '../../../lib/api-client';
import { usePagedRows } from '../../../lib/paged-rows';
import type { RunResult } from '../types';
import { runKeys } from './keys';

/** An offset as a list cursor (the gateway's cursors are base64url {"o": offset}, modules/core/pagination). */
const cursorAt = (offset: number) => (offset ? btoa(JSON.stringify({ o: offset })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : undefined);

/** GET .../runs/{id}/results, one page from `offset`, sorted server-side. */
export function fetchResults(tid: string, id: number, sort: string, offset: number, limit: number, signal?: AbortSignal) {
  return api<ListPage<RunResult>>(`/api/v1/tenants/${tid}/runs/${id}/results`, { query: { limit, cursor: cursorAt(offset), sort }, signal });
}

/** A run's results as a virtual table's rows: only the pages on screen are fetched. */
export const useRunResults = (tid: string, id: number, sort: string) =>
  usePagedRows(runKeys.results(tid, id, sort), (offset, limit, signal) => fetchResults(tid, id, sort, offset, limit, signal), 200);

/** One employee's statement PDF (GET .../runs/{id}/statements/{employeeId}.pdf). */
export function downloadStatement(tid: string, id: number, employeeId: string) {
  return apiBlob(`/api/v1/tenants/${tid}/runs/${id}/statements/${encodeURIComponent(employeeId)}.pdf`);
}

/** An export of the run (csv, xlsx, or the zip bundle with its manifest). */
export function downloadExport(tid: string, id: number, format: 'csv' | 'xlsx' | 'zip') {
  return apiBlob(`/api/v1/tenants/${tid}/runs/${id}/export.${format}`);
}

/** Hand a downloaded blob to the browser as a file. */
export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
