/**
 * Human wording for the route parity gate's checks. The gateway sends internal keys and raw
 * values (`matchRate 0.992 needs >= 0.99`, `latency 0.229 needs <= 1.5`); the console and the
 * flip dialog show them as "Match rate 99.2 % (needs ≥ 99 %)" and "p99 latency vs legacy 0.23×
 * (needs ≤ 1.5×)". Not money: match rate and latency ratio are plain ratios, so numbers are fine.
 */

/** The fields of a gate check the wording needs (GET /_fig/routes/{key}/gate and FIG_GATE_FAILED). */
export interface GateCheckLike {
  name: string;
  passed: boolean;
  actual: string | number | null | undefined;
  required: string | number;
}

export interface GateCheckText {
  /** What is checked, e.g. "Match rate", "A module serves this route". */
  label: string;
  /** The measured value with its unit ("99.2 %", "0.23×"); empty when the label says it all. */
  value: string;
  /** What the gate needs, e.g. "≥ 99 %"; empty when the label says it all. */
  needs: string;
}

/** Short names, for lists of failing checks (badge tooltips). */
export const GATE_CHECK_NAMES: Record<string, string> = {
  servable: 'no module serves the route',
  samples: 'too few shadow samples',
  matchRate: 'match rate',
  moneyDiff: 'money difference',
  latency: 'p99 latency',
  engineParity: 'engine parity not signed off',
};

/** The gates a check belongs to, in words (route gate `blockedBy`, FIG_GATE_FAILED, FIG_GROUP_GATE_FAILED). */
export const GATE_KIND_NAMES: Record<string, string> = {
  module: 'no module',
  shadow: 'HTTP shadow gate',
  engine: 'engine gate (finance sign-off)',
};

/** "Blocked by the HTTP shadow gate and the engine gate (finance sign-off)". */
export function blockedBySentence(kinds: readonly string[] | undefined): string {
  if (!kinds?.length) return '';
  return `Blocked by ${kinds.map((k) => (k === 'module' ? 'no module serving it' : `the ${GATE_KIND_NAMES[k] ?? k}`)).join(' and ')}`;
}

const ENGINE_STATUS: Record<string, string> = {
  'signed-off': 'signed off',
  'not-signed-off': 'not signed off yet',
  'no-report': 'no parity report yet',
};

/** ">= 0.99" → { op: "≥", n: 0.99 }; anything else → null. */
function parseRequired(required: string | number): { op: string; raw: string; n: number } | null {
  if (typeof required === 'number') return { op: '', raw: String(required), n: required };
  const m = /^\s*(>=|<=|>|<|=)?\s*(-?\d+(?:\.\d+)?)\s*$/.exec(required);
  if (!m) return null;
  const op = { '>=': '≥', '<=': '≤', '>': '>', '<': '<', '=': '=' }[m[1] ?? '='] ?? '';
  return { op, raw: m[2]!, n: Number(m[2]) };
}

/** 0.992 → "99.2 %"; at most 2 decimals, trailing zeros dropped. */
function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))} %`;
}

function num(v: GateCheckLike['actual']): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** The label, value and requirement of one check, in words. */
export function describeGateCheck(c: GateCheckLike): GateCheckText {
  const req = parseRequired(c.required);
  const needs = (unit = '', scale?: (n: number) => string) =>
    req ? `${req.op ? `${req.op} ` : ''}${scale ? scale(req.n) : req.raw}${unit}` : String(c.required);
  const n = num(c.actual);
  switch (c.name) {
    case 'servable':
      return c.passed
        ? { label: 'A module serves this route', value: c.actual ? String(c.actual) : '', needs: '' }
        : { label: 'No module serves this route yet', value: '', needs: 'a hosted module' };
    case 'samples':
      return { label: 'Shadow samples', value: n === null ? 'none' : n.toLocaleString('en-US'), needs: needs() };
    case 'matchRate':
      return { label: 'Match rate', value: n === null ? 'no samples yet' : percent(n), needs: needs('', percent) };
    case 'moneyDiff':
      return { label: 'Largest money difference', value: c.actual === null || c.actual === undefined ? 'none' : String(c.actual), needs: needs() };
    case 'latency':
      return {
        label: 'p99 latency vs legacy',
        value: n === null ? 'not measured yet' : `${Number(n.toFixed(2))}×`,
        needs: needs('×'),
      };
    case 'engineParity':
      return c.passed
        ? { label: 'Engine parity signed off', value: '', needs: '' }
        : {
            label: 'Engine parity sign-off',
            value: ENGINE_STATUS[String(c.actual)] ?? String(c.actual ?? 'none'),
            needs: 'finance’s sign-off',
          };
    default:
      return { label: c.name, value: c.actual === null || c.actual === undefined ? 'none' : String(c.actual), needs: needs() };
  }
}

/** "Match rate 99.2 % (needs ≥ 99 %)" — one line per check. */
export function gateCheckSentence(c: GateCheckLike): string {
  const t = describeGateCheck(c);
  return [t.label, t.value, t.needs ? `(needs ${t.needs})` : ''].filter(Boolean).join(' ');
}
