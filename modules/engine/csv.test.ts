import { describe, expect, it } from 'vitest';
import { csvLine, parseCsv } from './csv';

describe('csv', () => {
  it('parses quoted fields, escaped quotes, CRLF, a BOM and a missing final newline', () => {
    expect(parseCsv('\ufeffa,b\r\n"1,5","say ""hi"""\n\nx,"multi\nline"')).toEqual([
      ['a', 'b'],
      ['1,5', 'say "hi"'],
      ['x', 'multi\nline'],
    ]);
  });
  it('writes fields that need quoting, quoted', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', ''])).toBe('plain,"a,b","say ""hi""","two\nlines",\n');
  });
  it('round-trips', () => {
    const rows = [['id', 'note'], ['1', 'a, "b"\r\nc']];
    expect(parseCsv(rows.map(csvLine).join(''))).toEqual(rows);
  });
});
