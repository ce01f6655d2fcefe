import { anyGlob, type PathSegment } from '../diff/index';

export const REDACTED = '[redacted]';

/** Headers never stored in the mismatch corpus. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token']);
/** Field names (any depth, case-insensitive) always redacted. */
const SECRET_FIELDS = /^(password|passwd|token|access_?token|refresh_?token|secret|client_?secret|api_?key)$/i;

/** Headers with secrets replaced. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? REDACTED : v;
  }
  return out;
}

/**
 * A JSON value with secrets replaced: fields named password/token/secret (and friends) at any
 * depth, plus the route's `sensitive` entries (a plain field name, or a path glob starting with $).
 */
export function redactJson(value: unknown, sensitive: readonly string[] = []): unknown {
  const names = new Set(sensitive.filter((s) => !s.startsWith('$')).map((s) => s.toLowerCase()));
  const globs = anyGlob(sensitive.filter((s) => s.startsWith('$')));
  const walk = (v: unknown, path: PathSegment[]): unknown => {
    if (globs(path)) return REDACTED;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        out[k] = SECRET_FIELDS.test(k) || names.has(k.toLowerCase()) ? REDACTED : walk(x, [...path, k]);
      }
      return out;
    }
    return v;
  };
  return walk(value, []);
}

/** Redact the difference list of a diff (left/right values at secret paths). */
export function redactDifferences<T extends { path: string; left?: unknown; right?: unknown }>(diffs: T[], sensitive: readonly string[] = []): T[] {
  const names = new Set(sensitive.filter((s) => !s.startsWith('$')).map((s) => s.toLowerCase()));
  return diffs.map((d) => {
    const last = /(?:\.([A-Za-z_$][\w$-]*)|\["((?:[^"\\]|\\.)*)"\])$/.exec(d.path);
    const name = (last?.[1] ?? last?.[2] ?? '').toLowerCase();
    if (name && (SECRET_FIELDS.test(name) || names.has(name))) {
      return { ...d, ...(d.left !== undefined ? { left: REDACTED } : {}), ...(d.right !== undefined ? { right: REDACTED } : {}) };
    }
    return { ...d, left: d.left === undefined ? undefined : redactJson(d.left, sensitive), right: d.right === undefined ? undefined : redactJson(d.right, sensitive) };
  });
}
