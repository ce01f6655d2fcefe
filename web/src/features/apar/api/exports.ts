import { apiBlob } from '../../../lib/api-client';
import { saveBlob } from '../../../lib/download';
import { aparBase } from './keys';

type Query = Record<string, string | number | undefined | null>;
const qs = (q: Query) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

/** Download a file the AP/AR API builds (exports, statement PDFs) and save it under the gateway's name. */
export async function downloadApar(tid: string, path: string, query: Query, fallbackName: string): Promise<void> {
  const { blob, filename } = await apiBlob(`${aparBase(tid)}/${path}${qs(query)}`);
  saveBlob(blob, filename ?? fallbackName);
}
