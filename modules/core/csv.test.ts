import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, parseCsv, parseCsvRecords, safeText } from './csv';

describe('csv', () => {
  it('parses quoted fields, escaped quotes, CRLF, a BOM and a missing final newline', () => {
    expect(parseCsv('\ufeffa,b\r\n"1,5","say ""hi"""\n\nx,"multi\nline"')).toEqual([
      ['a', 'b'],
      ['1,5', 'say "hi"'],
      ['x', 'multi\nline'],
    ]);
  });
  it('reads records by the header row, a missing field as empty', () => {
    expect(parseCsvRecords('id,name\r\n1,"a, b"\r\n2\r\n')).toEqual([
      { id: '1', name: 'a, b' },
      { id: '2', name: '' },
    ]);
    expect(parseCsvRecords('')).toEqual([]);
  });
  it('writes fields that need quoting, quoted, CRLF-terminated', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', ''])).toBe('plain,"a,b","say ""hi""","two\nlines",\r\n');
  });
  it('round-trips', () => {
    const rows = [['id', 'note'], ['1', 'a, "b"\r\nc']];
    expect(parseCsv(rows.map(csvLine).join(''))).toEqual(rows);
  });
});

describe('formula injection (OWASP rule)', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['-A1', "'-A1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['-', "'-"],
    ['a,b', '"a,b"'],
    ['plain', 'plain'],
    [null, ''],
    [undefined, ''],
  ])('makes %j safe', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each([['-5'], ['+3.2'], ['-0.01'], ['1234.5678'], ['0']])('leaves the plain number %j a number', (n) => {
    expect(csvCell(n)).toBe(n);
  });

  it('writes numbers, booleans, dates and objects as text', () => {
    expect(csvLine([-5, true, new Date('2026-01-02T03:04:05Z'), { a: 1 }])).toBe('-5,true,2026-01-02T03:04:05.000Z,"{""a"":1}"\r\n');
    expect(safeText(-5)).toBe('-5');
  });
});
