/**
 * JSON paths for diffs: a path is a list of segments (object key, array index, or an array element
 * matched by key), rendered as `$.items[3].name`, `$["odd key"]`, `$.rows[employee_id="E1"].bonus`.
 * Globs (for ignore rules, money paths, keyed arrays, id paths) use the same syntax plus
 * `*` (any one segment: `.*` or `[*]`) and `**` (any number of segments, also written `..name`).
 */

/** One step into a JSON value. */
export type PathSegment = string | number | { by: string; value: string };

type GlobSegment =
  { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'any' } | { kind: 'deep' };

/** A compiled glob: call `matches(path)`. */
export interface PathGlob {
  source: string;
  matches(path: readonly PathSegment[]): boolean;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Render a path as text (`$` for the root). */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string')
      out += IDENT.test(seg) && seg !== '*' && seg !== '**' ? `.${seg}` : `[${JSON.stringify(seg)}]`;
    else out += `[${seg.by}=${JSON.stringify(seg.value)}]`;
  }
  return out;
}

/** Parse a glob like `$.items[*].created_at`, `$..id`, `$.a.**.b`, `$["x y"][0]`; throws on bad syntax. */
export function compileGlob(source: string): PathGlob {
  const segs: GlobSegment[] = [];
  let i = 0;
  const s = source.trim();
  if (s[0] !== '$') throw new Error(`path glob must start with $: ${JSON.stringify(source)}`);
  i = 1;
  const fail = (): never => {
    throw new Error(`bad path glob at ${i}: ${JSON.stringify(source)}`);
  };
  const readName = (): string => {
    const m = /^[^.[\]]+/.exec(s.slice(i));
    if (!m) return fail();
    i += m[0].length;
    return m[0];
  };
  while (i < s.length) {
    if (s.startsWith('..', i)) {
      i += 2;
      segs.push({ kind: 'deep' });
      if (s[i] === '[') continue;
      const name = readName();
      segs.push(name === '*' ? { kind: 'any' } : { kind: 'key', key: name });
    } else if (s[i] === '.') {
      i += 1;
      const name = readName();
      segs.push(
        name === '*' ? { kind: 'any' } : name === '**' ? { kind: 'deep' } : { kind: 'key', key: name },
      );
    } else if (s[i] === '[') {
      const close = s[i + 1] === '"' ? findStringEnd(s, i + 1) + 1 : s.indexOf(']', i);
      if (close < 0 || s[close] !== ']') fail();
      const inner = s.slice(i + 1, close);
      if (inner === '*') segs.push({ kind: 'any' });
      else if (inner === '**') segs.push({ kind: 'deep' });
      else if (/^\d+$/.test(inner)) segs.push({ kind: 'index', index: Number(inner) });
      else if (inner.startsWith('"')) segs.push({ kind: 'key', key: JSON.parse(inner) as string });
      else fail();
      i = close + 1;
    } else {
      fail();
    }
  }
  return { source, matches: (path) => matchFrom(segs, 0, path, 0) };
}

function findStringEnd(s: string, start: number): number {
  for (let j = start + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j;
  }
  return -1;
}

function matchFrom(g: GlobSegment[], gi: number, p: readonly PathSegment[], pi: number): boolean {
  if (gi === g.length) return pi === p.length;
  const seg = g[gi] as GlobSegment;
  if (seg.kind === 'deep') {
    for (let k = pi; k <= p.length; k++) if (matchFrom(g, gi + 1, p, k)) return true;
    return false;
  }
  if (pi === p.length) return false;
  const ps = p[pi] as PathSegment;
  const ok =
    seg.kind === 'any' ||
    (seg.kind === 'key' && typeof ps === 'string' && ps === seg.key) ||
    (seg.kind === 'index' && typeof ps === 'number' && ps === seg.index);
  return ok && matchFrom(g, gi + 1, p, pi + 1);
}

/** Compile many globs into one matcher (false for an empty list). */
export function anyGlob(sources: readonly string[] | undefined): (path: readonly PathSegment[]) => boolean {
  const globs = (sources ?? []).map(compileGlob);
  if (globs.length === 0) return () => false;
  return (path) => globs.some((g) => g.matches(path));
}
