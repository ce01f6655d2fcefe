import { Decimal } from '../../modules/core/decimal';
import { anyGlob, compileGlob, formatPath, type PathSegment } from './path';

/**
 * Structural JSON diff: compares a reference value (`left`, normally legacy's answer) with a
 * candidate (`right`, the new side's) and lists every difference by JSON path.
 *
 * Kinds:
 * - `changed`  same JSON type, different value (strings, booleans, non-money numbers)
 * - `missing`  present on the left only
 * - `extra`    present on the right only
 * - `type`     different JSON types (e.g. string vs number, object vs array, null vs value)
 * - `money`    both numeric (numbers, or plain decimal strings) at a money path with different
 *              values; `absDiff` is exact (decimal.js) and `withinTolerance` says |left-right| <= tolerance
 */
export type DiffKind = 'changed' | 'missing' | 'extra' | 'type' | 'money';

export interface Difference {
  path: string;
  kind: DiffKind;
  left?: unknown;
  right?: unknown;
  /** money only: |left - right| as a plain decimal string. */
  absDiff?: string;
  /** money only: absDiff <= the money tolerance. */
  withinTolerance?: boolean;
}

export interface DiffOptions {
  /** Path globs never compared (`$.items[*].created_at`, `$..request_id`). */
  ignore?: readonly string[];
  /** Tolerance for money differences (default "0.01"). */
  moneyTolerance?: string | number;
  /** Path globs holding money. Default: every numeric pair is compared as money. */
  moneyPaths?: readonly string[];
  /** Order-insensitive arrays: glob of the array → the element field that identifies an element. */
  arrayKeys?: Readonly<Record<string, string>>;
  /** Path globs holding ids that differ between the sides (legacy id ↔ new id). */
  idPaths?: readonly string[];
  /** Translate a left (legacy) id at an `idPaths` path to the right side's id; undefined = no mapping known. */
  mapId?: (leftValue: unknown, path: string) => unknown;
  /** Stop recording after this many differences (default 1000); `truncated` tells. */
  maxDifferences?: number;
}

export interface DiffResult {
  /** No difference at all. */
  equal: boolean;
  /** No difference other than money within tolerance. */
  withinTolerance: boolean;
  /** Differences that are not money-within-tolerance. */
  failing: number;
  /** Largest money difference seen ("0" when none). */
  maxMoneyDiff: string;
  differences: Difference[];
  truncated: boolean;
}

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

function jsonType(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'boolean' || t === 'number' || t === 'string') return t;
  return 'object';
}

function asDecimal(v: unknown): Decimal | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? new Decimal(v) : undefined;
  if (typeof v === 'string' && v.length <= 100 && PLAIN_NUMBER.test(v)) return new Decimal(v);
  return undefined;
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Compare two JSON values; see DiffOptions. Pure and deterministic (object keys in sorted order). */
export function diffJson(left: unknown, right: unknown, options: DiffOptions = {}): DiffResult {
  const ignored = anyGlob(options.ignore);
  const isMoney = options.moneyPaths ? anyGlob(options.moneyPaths) : () => true;
  const isId = anyGlob(options.idPaths);
  const keyed = Object.entries(options.arrayKeys ?? {}).map(([glob, key]) => ({
    glob: compileGlob(glob),
    key,
  }));
  const tolerance = new Decimal(options.moneyTolerance ?? '0.01');
  const max = options.maxDifferences ?? 1000;
  const differences: Difference[] = [];
  let failing = 0;
  let truncated = false;
  let maxMoney = new Decimal(0);

  const record = (d: Difference) => {
    if (d.kind !== 'money' || !d.withinTolerance) failing++;
    if (differences.length < max) differences.push(d);
    else truncated = true;
  };
  const mapLeft = (v: unknown, path: PathSegment[]): unknown => {
    if (!options.mapId || !isId(path)) return v;
    const mapped = options.mapId(v, formatPath(path));
    return mapped === undefined ? v : mapped;
  };

  const walk = (l: unknown, r: unknown, path: PathSegment[]): void => {
    if (ignored(path)) return;
    l = mapLeft(l, path);
    const lt = jsonType(l);
    const rt = jsonType(r);
    if (lt !== rt) {
      record({ path: formatPath(path), kind: 'type', left: l ?? null, right: r ?? null });
      return;
    }
    switch (lt) {
      case 'null':
        return;
      case 'object':
        return walkObject(l as Record<string, unknown>, r as Record<string, unknown>, path);
      case 'array': {
        const rule = keyed.find((k) => k.glob.matches(path));
        if (rule) return walkKeyed(l as unknown[], r as unknown[], path, rule.key);
        return walkArray(l as unknown[], r as unknown[], path);
      }
      default:
        return walkScalar(l, r, path);
    }
  };

  const walkScalar = (l: unknown, r: unknown, path: PathSegment[]) => {
    if (isMoney(path)) {
      const a = asDecimal(l);
      const b = asDecimal(r);
      if (a && b) {
        if (a.eq(b)) return;
        const abs = a.minus(b).abs();
        if (abs.gt(maxMoney)) maxMoney = abs;
        record({
          path: formatPath(path),
          kind: 'money',
          left: l,
          right: r,
          absDiff: abs.toFixed(),
          withinTolerance: abs.lte(tolerance),
        });
        return;
      }
    }
    if (l !== r) record({ path: formatPath(path), kind: 'changed', left: l, right: r });
  };

  const walkObject = (l: Record<string, unknown>, r: Record<string, unknown>, path: PathSegment[]) => {
    const keys = new Set([...Object.keys(l), ...Object.keys(r)]);
    for (const k of [...keys].sort()) {
      const p = [...path, k];
      if (ignored(p)) continue;
      const inL = hasOwn(l, k) && l[k] !== undefined;
      const inR = hasOwn(r, k) && r[k] !== undefined;
      if (inL && !inR) record({ path: formatPath(p), kind: 'missing', left: l[k] });
      else if (!inL && inR) record({ path: formatPath(p), kind: 'extra', right: r[k] });
      else walk(l[k], r[k], p);
    }
  };

  const walkArray = (l: unknown[], r: unknown[], path: PathSegment[]) => {
    const n = Math.max(l.length, r.length);
    for (let i = 0; i < n; i++) {
      const p = [...path, i];
      if (ignored(p)) continue;
      if (i >= r.length) record({ path: formatPath(p), kind: 'missing', left: l[i] });
      else if (i >= l.length) record({ path: formatPath(p), kind: 'extra', right: r[i] });
      else walk(l[i], r[i], p);
    }
  };

  const walkKeyed = (l: unknown[], r: unknown[], path: PathSegment[], key: string) => {
    const keyPath = [...path, { by: key, value: '*' }, key];
    const index = (items: unknown[], mapKeys: boolean) => {
      const out = new Map<string, { seg: PathSegment; value: unknown }>();
      items.forEach((item, i) => {
        const raw =
          item !== null && typeof item === 'object' && !Array.isArray(item)
            ? (item as Record<string, unknown>)[key]
            : undefined;
        if (raw === undefined || raw === null || typeof raw === 'object') {
          out.set(`#${i}`, { seg: i, value: item });
          return;
        }
        const k = String(mapKeys ? mapLeft(raw, keyPath) : raw);
        let name = k;
        for (let dup = 2; out.has(name); dup++) name = `${k}#${dup}`;
        out.set(name, { seg: { by: key, value: name }, value: item });
      });
      return out;
    };
    const li = index(l, true);
    const ri = index(r, false);
    for (const [name, { seg, value }] of li) {
      const p = [...path, seg];
      if (ignored(p)) continue;
      const other = ri.get(name);
      if (!other) record({ path: formatPath(p), kind: 'missing', left: value });
      else walk(value, other.value, p);
    }
    for (const [name, { seg, value }] of ri) {
      if (li.has(name)) continue;
      const p = [...path, seg];
      if (!ignored(p)) record({ path: formatPath(p), kind: 'extra', right: value });
    }
  };

  walk(left, right, []);
  return {
    equal: differences.length === 0 && !truncated,
    withinTolerance: failing === 0,
    failing,
    maxMoneyDiff: maxMoney.toFixed(),
    differences,
    truncated,
  };
}
