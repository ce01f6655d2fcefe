/** What an upload claims to be, from its name; and what its first bytes say it is. */
export type FileKind = 'csv' | 'xlsx';

export const ALLOWED_EXTENSIONS: Record<string, FileKind> = { '.csv': 'csv', '.xlsx': 'xlsx' };

/** The kind a filename claims (by extension), or undefined for anything else. */
export function kindOfName(filename: string): FileKind | undefined {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? undefined : ALLOWED_EXTENSIONS[filename.slice(dot).toLowerCase()];
}

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Check the first bytes (at most a few KiB) against the claimed kind. XLSX is a zip (PK\3\4).
 * CSV must be text: valid UTF-8 (a cut multi-byte sequence at the end of the sample is fine),
 * no NUL and no other control characters than tab, CR, LF. Returns a reason when it fails.
 */
export function checkMagic(kind: FileKind, head: Buffer): string | undefined {
  if (head.length === 0) return 'the file is empty';
  if (kind === 'xlsx') return head.subarray(0, 4).equals(ZIP_SIGNATURE) ? undefined : 'not an XLSX file: no zip signature (PK\\x03\\x04) at the start';
  if (head.subarray(0, 4).equals(ZIP_SIGNATURE)) return 'not a CSV file: it starts with a zip signature (an XLSX named .csv?)';
  for (const byte of head) {
    if (byte === 0) return 'not a CSV file: it contains NUL bytes (binary content)';
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return `not a CSV file: it contains the control byte 0x${byte.toString(16).padStart(2, '0')}`;
  }
  // Drop up to 3 trailing bytes of a sequence the sample cut in two, then require valid UTF-8.
  let end = head.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = head[end - i]!;
    if ((b & 0xc0) === 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (i < need) end -= i;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
  } catch {
    return 'not a CSV file: the text is not valid UTF-8 (save it as CSV UTF-8)';
  }
  return undefined;
}
