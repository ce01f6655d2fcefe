/**
 * JSON as legacy reads request bodies: Python's `json.loads(body, parse_float=Decimal)`. A number
 * keeps the exact text of its token (never a JS float), and a malformed document fails with
 * Python's own message and character position, which legacy puts in its 422 (`loc: ["body", pos]`).
 */

/** A JSON number, as the exact token the client sent ("1.50", "1e6", "7"). */
export class JsonNumber {
  constructor(
    public readonly token: string,
    public readonly integer: boolean,
  ) {}
}

export type ExactJson = null | boolean | string | JsonNumber | ExactJson[] | { [key: string]: ExactJson };

/** Python's json.JSONDecodeError: message and position (in characters of the decoded text). */
export class JsonDecodeError extends Error {
  readonly lineno: number;
  readonly colno: number;
  constructor(
    public readonly msg: string,
    public readonly doc: string,
    public readonly pos: number,
  ) {
    const before = [...doc].slice(0, pos);
    const lineno = before.filter((c) => c === '\n').length + 1;
    const colno = pos - before.lastIndexOf('\n');
    super(`${msg}: line ${lineno} column ${colno} (char ${pos})`);
    this.lineno = lineno;
    this.colno = colno;
  }
}

/** Not JSON for a reason other than syntax (NaN/Infinity, bad bytes): legacy answers 400. */
export class JsonBodyError extends Error {}

const NUMBER = /^(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Deeper documents always take the exact parser (whose depth limit decides, as before). */
const FAST_MAX_DEPTH = 64;

/** Whether a natively parsed document holds a number anywhere (its exact token is then lost), or nests deeper than FAST_MAX_DEPTH. */
function needsExact(v: unknown, depth: number): boolean {
  if (typeof v === 'number') return true;
  if (v === null || typeof v !== 'object') return false;
  if (depth > FAST_MAX_DEPTH) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (needsExact(v[i], depth + 1)) return true;
    return false;
  }
  for (const k in v) if (needsExact((v as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

/**
 * Parse like Python's json.loads with parse_float=Decimal (and a parse_constant that refuses NaN).
 *
 * Fast path: the engine's own `JSON.parse` accepts exactly the same documents as Python's strict
 * json.loads apart from NaN/Infinity (which it refuses too), and gives the same strings, booleans,
 * nulls, arrays and objects (last duplicate key wins, `__proto__` an own key) — only numbers lose
 * their token. So a document without numbers (legacy's clients send decimals as strings) is taken
 * from `JSON.parse`; anything else (a number somewhere, or a syntax error whose Python message and
 * position legacy reports) goes through the exact parser below.
 */
export function parseExactJson(bytes: Buffer): ExactJson {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new JsonBodyError('body is not UTF-8');
  }
  let native: unknown;
  try {
    native = JSON.parse(text);
  } catch {
    return parseExactText(text);
  }
  return needsExact(native, 0) ? parseExactText(text) : (native as ExactJson);
}

/** The exact parser over decoded text: numbers keep their token, errors carry Python's message and position. */
export function parseExactText(text: string): ExactJson {
  const s = text;
  let i = 0; // UTF-16 index into s
  const at = (k: number) => s[k] ?? '';
  // Python counts positions in code points: convert from the UTF-16 index.
  const fail = (msg: string, pos: number): never => {
    throw new JsonDecodeError(msg, s, [...s.slice(0, pos)].length);
  };
  const ws = () => {
    while (i < s.length && (at(i) === ' ' || at(i) === '\t' || at(i) === '\n' || at(i) === '\r')) i++;
  };

  const parseString = (): string => {
    const start = i; // at the opening quote
    i++;
    let out = '';
    for (;;) {
      if (i >= s.length) fail('Unterminated string starting at', start);
      const c = at(i);
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = at(i + 1);
        if (e === '') fail('Unterminated string starting at', start);
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) {
          out += simple[e];
          i += 2;
          continue;
        }
        if (e !== 'u') fail('Invalid \\escape', i);
        const hex = s.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape', i + 1);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail('Invalid control character at', i);
      out += c;
      i++;
    }
  };

  const parseValue = (): ExactJson => {
    const c = at(i);
    if (c === '"') return parseString();
    if (c === '{') return parseObject();
    if (c === '[') return parseArray();
    const rest = s.slice(i, i + 400);
    if (rest.startsWith('null')) return (i += 4), null;
    if (rest.startsWith('true')) return (i += 4), true;
    if (rest.startsWith('false')) return (i += 5), false;
    if (rest.startsWith('NaN') || rest.startsWith('Infinity') || rest.startsWith('-Infinity')) throw new JsonBodyError('not a finite number');
    const m = NUMBER.exec(rest);
    if (m) {
      i += m[0].length;
      return new JsonNumber(m[0], m[2] === undefined && m[3] === undefined);
    }
    return fail('Expecting value', i);
  };

  const parseObject = (): { [key: string]: ExactJson } => {
    const obj: { [key: string]: ExactJson } = {};
    i++;
    ws();
    if (at(i) === '}') return i++, obj;
    for (;;) {
      if (at(i) !== '"') fail('Expecting property name enclosed in double quotes', i);
      const key = parseString();
      ws();
      if (at(i) !== ':') fail("Expecting ':' delimiter", i);
      i++;
      ws();
      const value = parseValue();
      Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      ws();
      if (at(i) === '}') return i++, obj;
      if (at(i) !== ',') fail("Expecting ',' delimiter", i);
      i++;
      ws();
    }
  };

  const parseArray = (): ExactJson[] => {
    const arr: ExactJson[] = [];
    i++;
    ws();
    if (at(i) === ']') return i++, arr;
    for (;;) {
      arr.push(parseValue());
      ws();
      if (at(i) === ']') return i++, arr;
      if (at(i) !== ',') fail("Expecting ',' delimiter", i);
      i++;
      ws();
    }
  };

  ws();
  const value = parseValue();
  ws();
  if (i !== s.length) fail('Extra data', i);
  return value;
}
