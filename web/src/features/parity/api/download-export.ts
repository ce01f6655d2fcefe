import { useMutation } from '@tanstack/react-query';
import { apiBlob } from '../../../lib/api-client';
import { saveBlob } from '../../../lib/download';

export type ExportFormat = 'csv' | 'xlsx';

/** GET /api/v1/parity/reports/{id}/export.{csv,xlsx} with the bearer token, then save the blob as a file. */
export async function downloadExport(id: string, format: ExportFormat): Promise<string> {
  const { blob, filename } = await apiBlob(
    `/api/v1/parity/reports/${encodeURIComponent(id)}/export.${format}`,
  );
  const name = filename ?? `parity-${id}.${format}`;
  saveBlob(blob, name);
  return name;
}

export const useDownloadExport = (id: string) =>
  useMutation({ mutationFn: (format: ExportFormat) => downloadExport(id, format) });
