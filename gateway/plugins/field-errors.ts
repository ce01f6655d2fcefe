import type { FieldError } from '../../modules/core/errors';

/** One entry of a Fastify validation error made by fastify-type-provider-zod: the zod issue, flattened. */
export interface ValidationEntry {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Turn "/steps/2/expr" and a context into "body.steps[2].expr". */
export function fieldPath(context: string | undefined, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  let out = context ?? 'body';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : `.${p}`;
  return out;
}

const TYPES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  date: 'a date',
  null: 'null',
};
const UNITS: Record<string, [string, string]> = {
  string: ['character', 'characters'],
  array: ['item', 'items'],
  set: ['item', 'items'],
  file: ['byte', 'bytes'],
};
const FORMATS: Record<string, string> = {
  uuid: 'a UUID',
  guid: 'a UUID',
  email: 'an email address',
  url: 'a URL',
  datetime: 'an ISO 8601 date-time such as 2025-01-31T12:00:00Z',
  date: 'a date such as 2025-01-31',
  time: 'a time such as 12:00:00',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
};

/** Whether zod wrote this message itself (a schema's own message is kept as it is). */
const isDefault = (message: string) => /^(Invalid|Too small|Too big|Unrecognized key)/.test(message);

function bound(issue: Record<string, unknown>, limit: unknown, least: boolean): string {
  const n = Number(limit);
  const inclusive = issue.inclusive !== false;
  const unit = UNITS[String(issue.origin)];
  if (unit) {
    if (least && n === 1 && inclusive) return 'must not be empty';
    const words = least ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'fewer than';
    return `must have ${words} ${n} ${n === 1 ? unit[0] : unit[1]}`;
  }
  const words = least ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
  return `must be ${words} ${String(limit)}`;
}

/** A readable message for one zod issue: a missing field "is required", the rest say what is expected. */
export function readableMessage(code: string, message: string, issue: Record<string, unknown>): string {
  if (!isDefault(message)) return message;
  switch (code) {
    case 'invalid_type': {
      if (/received undefined$/.test(message)) return 'is required';
      const expected = TYPES[String(issue.expected)] ?? String(issue.expected);
      const received = /received (\w+)$/.exec(message)?.[1];
      return received === 'null' ? `must be ${expected}, not null` : `must be ${expected}`;
    }
    case 'invalid_union': {
      const branches = (issue.errors ?? []) as { message?: string }[][];
      const missing = branches.length > 0 && branches.every((b) => b.length === 1 && /received undefined$/.test(b[0]?.message ?? ''));
      return missing ? 'is required' : 'does not match any accepted form';
    }
    case 'too_small':
      return bound(issue, issue.minimum, true);
    case 'too_big':
      return bound(issue, issue.maximum, false);
    case 'invalid_value': {
      const values = ((issue.values ?? []) as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      return values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`;
    }
    case 'invalid_format': {
      const format = String(issue.format);
      if (format === 'regex') return `must match the pattern ${String(issue.pattern)}`;
      return `must be ${FORMATS[format] ?? `a valid ${format}`}`;
    }
    default:
      return message;
  }
}

/** Whether the request part had nothing at `instancePath` (zod's enum and literal issues do not say). */
function absent(input: unknown, instancePath: string): boolean {
  let value = input;
  for (const part of instancePath.split('/').filter(Boolean)) {
    if (value === null || typeof value !== 'object') return false;
    value = (value as Record<string, unknown>)[part];
  }
  return value === undefined;
}

/**
 * The field errors of a zod validation failure. `input` is the request part that failed (body,
 * querystring...) so a missing field says "is required" whatever its schema; an unknown key
 * becomes one error on that key.
 */
export function fieldErrors(context: string | undefined, validation: ValidationEntry[], input?: unknown): FieldError[] {
  return validation.flatMap((v) => {
    const issue = v.params ?? {};
    const message = v.message ?? 'is invalid';
    if (input !== undefined && v.instancePath !== '/' && v.keyword !== 'unrecognized_keys' && isDefault(message) && absent(input, v.instancePath))
      return [{ path: fieldPath(context, v.instancePath), message: 'is required', code: v.keyword }];
    if (v.keyword === 'unrecognized_keys' && Array.isArray(issue.keys) && isDefault(message)) {
      const parent = fieldPath(context, v.instancePath);
      return (issue.keys as string[]).map((key) => ({ path: `${parent}.${key}`, message: 'is not an accepted field', code: v.keyword }));
    }
    return [{ path: fieldPath(context, v.instancePath), message: readableMessage(v.keyword, message, issue), code: v.keyword }];
  });
}
