import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped,
 * values passed through `toJSON` (Dates become ISO strings) exactly like JSON.stringify.
 * Two structurally equal values always give the same text, whatever their key order, so a value
 * read back from jsonb hashes like the value that was written.
 */
export function canonicalJson(value: unknown): string {
  const out = serialise(value);
  return out === undefined ? 'null' : out;
}

function serialise(value: unknown): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (Array.isArray(value)) return `[${value.map((v) => serialise(v) ?? 'null').join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = serialise(obj[key]);
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
  }
  return `{${parts.join(',')}}`;
}

/** Hash of the first event's predecessor. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that its hash covers (everything but `id` and `hash` itself). */
export interface ChainedFields {
  tenantId: string;
  seq: number;
  actor: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
  createdAt: string;
  prevHash: string;
}

/** sha256 (hex) of the canonical JSON of an event. */
export function eventHash(fields: ChainedFields): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}
