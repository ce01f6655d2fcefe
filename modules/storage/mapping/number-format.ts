/**
 * How a spreadsheet cell reads as a number, the one rule shared by type sniffing (sniff.ts) and the
 * SQL that maps rows (storage.to_decimal, migration 0082, which mirrors it; a test holds them equal):
 * - spaces, apostrophes and currency signs ($ € £ ¥) are dropped; a trailing % divides by 100;
 * - with both `,` and `.`, the last one is the decimal mark and the other groups thousands
 *   (`1.234,56` and `1,234.56` are both 1234.56);
 * - with only commas: one comma followed by other than exactly three digits, or after a zero, is a
 *   decimal comma (`12,5`, `1234,56`, `0,075`); otherwise commas group thousands (`1,234`, `1,234,567`, `1,23,456`);
 * - with only dots: several dots group thousands (`1.234.567`); one dot is the decimal point.
 */
const PLAIN = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;
const DOT_GROUPS_COMMA_MARK = /^[-+]?\d{1,3}(\.\d{3})+,\d*$/;
const COMMA_GROUPS_DOT_MARK = /^[-+]?\d{1,3}(,\d{2,3})+\.\d*$/;
const COMMA_MARK = /^[-+]?\d*,\d+$/;
const COMMA_GROUPS = /^[-+]?\d{1,3}(,\d{2,3})+$/;
const DOT_GROUPS = /^[-+]?\d{1,3}(\.\d{3}){2,}$/;

/** The cell as a plain decimal string (sign, digits, optional `.` fraction; `%` not yet applied), or undefined. */
function plainNumber(raw: string): { text: string; percent: boolean } | undefined {
  let s = raw.replace(/[\s$€£¥']/g, '');
  const percent = s.endsWith('%');
  if (percent) s = s.slice(0, -1);
  if (s.length > 60) return undefined;
  const comma = s.lastIndexOf(',');
  const dot = s.lastIndexOf('.');
  if (comma >= 0 && dot >= 0) {
    if (comma > dot) s = DOT_GROUPS_COMMA_MARK.test(s) ? s.replace(/\./g, '').replace(',', '.') : '';
    else s = COMMA_GROUPS_DOT_MARK.test(s) ? s.replace(/,/g, '') : '';
  } else if (comma >= 0) {
    if (COMMA_MARK.test(s) && (!/,\d{3}$/.test(s) || /^[-+]?0*,/.test(s))) s = s.replace(',', '.');
    else s = COMMA_GROUPS.test(s) ? s.replace(/,/g, '') : '';
  } else if (DOT_GROUPS.test(s)) s = s.replace(/\./g, '');
  return PLAIN.test(s) ? { text: s, percent } : undefined;
}

/** The cell as a JS number (for sniffing sample values only; money is never a JS number), or undefined. */
export function readCellNumber(raw: string): number | undefined {
  const p = plainNumber(raw.trim());
  if (!p) return undefined;
  const n = Number(p.text);
  if (!Number.isFinite(n)) return undefined;
  return p.percent ? n / 100 : n;
}

/** Whether the cell reads as a number under the rule above. */
export const isCellNumber = (raw: string) => plainNumber(raw.trim()) !== undefined;
