/** Header text reduced to comparable tokens: lower case, no accents, words split on case, punctuation and digits-letters. */
export function tokens(header: string): string[] {
  const spaced = header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/%/g, ' pct ')
    .replace(/#/g, ' number ')
    .replace(/\b(fy|q[1-4]|h[12])\s?\d{2,4}\b/gi, ' ')
    .replace(/\b(19|20)\d{2}\b/g, ' ')
    .replace(/\(([^)]*)\)/g, ' $1 ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ');
  return spaced
    .split(' ')
    .filter(Boolean)
    .map((t) => ABBREVIATIONS[t] ?? t)
    .flatMap((t) => t.split(' '))
    .filter((t) => !STOP.has(t));
}

/** The normalised form used for equality: tokens joined by one space. */
export const normalise = (header: string): string => tokens(header).join(' ');

/** Words that say nothing about which column it is. */
const STOP = new Set(['the', 'of', 'in', 'for', 'a', 'an', 'and', 'to', 'per', 'current', 'curr', 'actual', 'value', 'amt', 'amount', 'usd', 'eur', 'gbp', 'chf', 'value', 'total', 'field', 'col']);

/** Common abbreviations in HR exports, expanded before comparison. */
const ABBREVIATIONS: Record<string, string> = {
  emp: 'employee',
  empl: 'employee',
  ee: 'employee',
  eid: 'employee id',
  empid: 'employee id',
  employeeid: 'employee id',
  staffid: 'staff id',
  no: 'number',
  nr: 'number',
  num: 'number',
  nbr: 'number',
  dept: 'department',
  dep: 'department',
  div: 'division',
  sal: 'salary',
  perf: 'performance',
  pct: 'percent',
  percentage: 'percent',
  tgt: 'target',
  trgt: 'target',
  rev: 'revenue',
  ret: 'return',
  yr: 'year',
  yrs: 'years',
  mgr: 'manager',
  org: 'organisation',
  organization: 'organisation',
  fname: 'first name',
  lname: 'last name',
  surname: 'last name',
  bonustarget: 'bonus target',
  basesalary: 'base salary',
  annualsalary: 'annual salary',
  perfscore: 'performance score',
  fundreturn: 'fund return',
};
