import { useMutation } from '@tanstack/react-query';
import { apiBlob } from '../../../lib/api-client';

export type ExportFormat = 'csv' | 'xlsx';

/** GET /api/v1/parity/reports/{id}/export.{csv,xlsx} with the bearer token, then save the blob as a file. */
export async function downloadExport(id: string, format: ExportFormat): Promise<string> {
  const { blob, filename } = await apiBlob(
    `/api/v1/parity/reports/${encodeURIComponent(id)}/export.${format}`,
  );
  const name = filename ?? `parity-${id}.${format}`;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser a moment to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export const useDownloadExport = (id: string) =>
  useMutation({ mutationFn: (format: ExportFormat) => downloadExport(id, format) });
