import { inflateSync } from 'node:zlib';

/**
 * The text shown by a PDF's content streams, roughly in drawing order: every FlateDecode stream is
 * inflated, then the strings of its Tj / TJ operators ((literal) or <hex>) are decoded as Latin-1.
 * Enough to check what a pdfkit statement with a standard font says; not a general PDF reader.
 */
export function pdfText(pdf: Buffer): string {
  const out: string[] = [];
  const raw = pdf.toString('latin1');
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    const bytes = pdf.subarray(start, end);
    let content: string;
    try {
      content = inflateSync(bytes).toString('latin1');
    } catch {
      content = bytes.toString('latin1');
    }
    for (const block of content.match(/\[(?:[^\]\\]|\\.)*\]\s*TJ|(?:\((?:[^)\\]|\\.)*\)|<[0-9A-Fa-f\s]*>)\s*Tj/g) ?? []) {
      let line = '';
      for (const s of block.match(/\((?:[^)\\]|\\.)*\)|<[0-9A-Fa-f\s]*>/g) ?? []) {
        if (s.startsWith('<')) line += Buffer.from(s.slice(1, -1).replace(/\s/g, ''), 'hex').toString('latin1');
        else line += s.slice(1, -1).replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_, e: string) => ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' })[e] ?? (/^[0-7]/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e));
      }
      out.push(line);
    }
    re.lastIndex = end;
  }
  return out.join('\n');
}
