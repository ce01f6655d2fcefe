/**
 * multipart/form-data as legacy reads it (Starlette 0.25 over python-multipart): any boundary of
 * 1–70 characters (quoted or not), parts split on CRLF "--boundary", a part with a `filename`
 * option is a file, one without is a text field. The WHATWG parser behind `Response.formData()`
 * refuses boundaries shorter than 27 characters, which legacy (and curl, and most clients'
 * libraries) accept. Anything malformed throws: the caller answers legacy's 400.
 */

export interface MultipartFile {
  kind: 'file';
  filename: string;
  contentType: string;
  content: Buffer;
}
export type MultipartValue = MultipartFile | { kind: 'field'; value: string };

export class MultipartError extends Error {}

/** `value; key=v; key="quoted \"v\""` as python-multipart's parse_options_header reads it. */
export function parseOptionsHeader(header: string): { value: string; options: Map<string, string> } {
  const semi = header.indexOf(';');
  const value = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  const options = new Map<string, string>();
  if (semi === -1) return { value, options };
  const re = /;\s*([^\s;=]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (const m of header.slice(semi).matchAll(re)) {
    let v = (m[2] ?? '').trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\\\/g, '\\').replace(/\\"/g, '"');
    options.set((m[1] ?? '').toLowerCase(), v);
  }
  return { value, options };
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** Every part of a multipart body by field name, in order (a name may repeat). */
export function parseMultipart(body: Buffer, contentType: string): Map<string, MultipartValue[]> {
  const boundary = parseOptionsHeader(contentType).options.get('boundary');
  if (!boundary || boundary.length > 70) throw new MultipartError('missing or bad boundary');
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const fields = new Map<string, MultipartValue[]>();
  // The first delimiter may open the body; later ones follow a CRLF.
  let pos = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : body.indexOf(Buffer.concat([CRLF, delimiter]));
  if (pos === -1) throw new MultipartError('no boundary in the body');
  if (pos > 0) pos += CRLF.length;
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString('latin1') === '--') return fields;
    // Transport padding after the delimiter, then CRLF.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (!body.subarray(pos, pos + 2).equals(CRLF)) throw new MultipartError('bad delimiter line');
    pos += 2;
    const headerEnd = body.subarray(pos, pos + 2).equals(CRLF) ? pos : body.indexOf(HEADER_END, pos);
    if (headerEnd === -1) throw new MultipartError('part headers do not end');
    const headers = new Map<string, string>();
    if (headerEnd > pos) {
      for (const line of body.subarray(pos, headerEnd).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) throw new MultipartError('bad part header');
        headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
    const dataStart = headerEnd + (headerEnd === pos ? 2 : HEADER_END.length);
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), dataStart);
    if (next === -1) throw new MultipartError('part does not end');
    const disposition = parseOptionsHeader(Buffer.from(headers.get('content-disposition') ?? '', 'latin1').toString('utf8'));
    const name = disposition.options.get('name');
    if (name === undefined) throw new MultipartError('part without a name');
    const content = body.subarray(dataStart, next);
    const filename = disposition.options.get('filename');
    const value: MultipartValue =
      filename === undefined
        ? { kind: 'field', value: content.toString('utf8') }
        : { kind: 'file', filename, contentType: headers.get('content-type') ?? '', content: Buffer.from(content) };
    fields.set(name, [...(fields.get(name) ?? []), value]);
    pos = next + CRLF.length;
  }
}
