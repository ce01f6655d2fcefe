import type { Position } from './ast';
import { DslSyntaxError, problemAt } from './problems';

export type TokenType = 'number' | 'ident' | 'keyword' | 'op' | 'punct' | 'eof';

export interface Token {
  type: TokenType;
  text: string;
  pos: Position;
  end: number;
}

export const KEYWORDS: ReadonlySet<string> = new Set(['if', 'then', 'else']);

// Longest operators first so `<=` wins over `<`.
const OPERATORS = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '^', '!'];
const PUNCT = new Set(['(', ')', ',']);

const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string) => isIdentStart(c) || isDigit(c);

/** Explanations for characters people try that are outside the grammar. */
function rejectChar(c: string, next: string): string {
  if (c === '"' || c === "'" || c === '`') return 'strings are not part of the language';
  if (c === '[' || c === ']') return 'brackets are not part of the language';
  if (c === '{' || c === '}') return 'braces are not part of the language';
  if (c === '.') return 'attribute access is not part of the language (numbers are written like 0.5)';
  if (c === '=') return "assignment is not part of the language; use '==' to compare";
  if (c === '&' && next !== '&') return "expected '&&'";
  if (c === '|' && next !== '|') return "expected '||'";
  return `unexpected character '${c}'`;
}

/** Split an expression into tokens; throws DslSyntaxError with line/column on a bad character. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (offset: number): Position => ({ offset, line, column: offset - lineStart + 1 });
  const fail = (message: string, offset: number): never => {
    throw new DslSyntaxError(problemAt('syntax', message, source, at(offset)));
  };
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      while (i < source.length && isDigit(source[i] as string)) i++;
      if (source[i] === '.') {
        i++;
        if (!isDigit(source[i] ?? '')) fail('expected a digit after the decimal point', i);
        while (i < source.length && isDigit(source[i] as string)) i++;
      }
      const next = source[i] ?? '';
      if (next === 'e' || next === 'E') fail('exponent notation is not allowed; write the number in full (e.g. 100000)', i);
      if (isIdentPart(next)) fail(`unexpected '${next}' after number`, i);
      if (next === '.') fail('a number has at most one decimal point; attribute access is not part of the language', i);
      tokens.push({ type: 'number', text: source.slice(start, i), pos: at(start), end: i });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < source.length && isIdentPart(source[i] as string)) i++;
      const text = source.slice(start, i);
      if (source[i] === '.') fail('attribute access is not part of the language', i);
      tokens.push({ type: KEYWORDS.has(text) ? 'keyword' : 'ident', text, pos: at(start), end: i });
      continue;
    }
    if (PUNCT.has(c)) {
      i++;
      tokens.push({ type: 'punct', text: c, pos: at(start), end: i });
      continue;
    }
    const two = source.slice(i, i + 2);
    const op = OPERATORS.find((o) => o === two) ?? OPERATORS.find((o) => o === c);
    if (op !== undefined) {
      i += op.length;
      tokens.push({ type: 'op', text: op, pos: at(start), end: i });
      continue;
    }
    fail(rejectChar(c, source[i + 1] ?? ''), i);
  }
  tokens.push({ type: 'eof', text: '', pos: at(i), end: i });
  return tokens;
}
