import { z } from 'zod';
import type { DiffOptions } from '../diff/index';

/**
 * Per-route normalisation rules, stored in `gateway.routes.normalise` (jsonb). Every field is
 * optional; an invalid document is ignored as a whole (defaults apply) and logged.
 */
export const NormaliseRules = z.object({
  /** Path globs never compared (`$.created_at`, `$.items[*].updated_at`, `$..request_id`). */
  ignore: z.array(z.string()).default([]),
  /** Money tolerance (default "0.01"). */
  moneyTolerance: z.union([z.string(), z.number()]).default('0.01'),
  /** Path globs holding money (default: every numeric pair). */
  moneyPaths: z.array(z.string()).optional(),
  /** Order-insensitive arrays: glob → identifying element field. */
  arrayKeys: z.record(z.string(), z.string()).default({}),
  /** Path globs holding ids translated through shadow.external_id_mappings before comparing. */
  idPaths: z.array(z.string()).default([]),
  /** Entity name in external_id_mappings (default: the route's path up to its first parameter). */
  idEntity: z.string().optional(),
  /** Path param carrying a legacy id: the new side gets the mapped id, when a mapping exists. */
  idParam: z.string().optional(),
  /** Where the id of a created entity is in both responses (dual-write mapping; default "$.id"). */
  idField: z.string().default('$.id'),
  /** Extra field names (any depth) or path globs redacted in the mismatch corpus. */
  sensitive: z.array(z.string()).default([]),
  /** Compare status codes too (default true). */
  compareStatus: z.boolean().default(true),
  /** In `new` (and the new side of `canary`), also send GETs to legacy and diff (default true for GET). */
  reverseShadow: z.boolean().optional(),
  /** Fraction of GETs also replayed to legacy to learn noise (default SHADOW_NOISE_SAMPLE_RATE). */
  noiseSampleRate: z.number().min(0).max(1).optional(),
  /**
   * In mode `new`, fraction of the reverse-shadowed requests actually replayed to legacy (default
   * the smaller of sampleRate and SHADOW_REVERSE_SAMPLE_RATE, 0.01). The module side of `canary`
   * uses sampleRate.
   */
  reverseSampleRate: z.number().min(0).max(1).optional(),
  /** Fraction of requests shadowed at all (default 1). */
  sampleRate: z.number().min(0).max(1).default(1),
});
export type NormaliseRules = z.infer<typeof NormaliseRules>;

/** How a route's writes are shadowed (`gateway.routes.write_policy`). */
export type WritePolicy = 'skip' | 'dry-run' | 'dual-write';

const DEFAULT_RULES: NormaliseRules = NormaliseRules.parse({});

/** Parse a route's stored rules; invalid → defaults (with the problem returned for a log line). */
export function parseRules(raw: unknown): { rules: NormaliseRules; problem?: string } {
  const parsed = NormaliseRules.safeParse(raw ?? {});
  if (parsed.success) return { rules: parsed.data };
  return { rules: DEFAULT_RULES, problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

/** The diff options of a route's rules, plus learned noise globs ignored as noise (not as equal). */
export function diffOptionsOf(rules: NormaliseRules): DiffOptions {
  return {
    ignore: rules.ignore,
    moneyTolerance: rules.moneyTolerance,
    moneyPaths: rules.moneyPaths,
    arrayKeys: rules.arrayKeys,
    idPaths: rules.idPaths,
  };
}

/** Entity name for id mappings of a route key: the rule's idEntity, or the path before its first parameter. */
export function entityOf(routeKey: string, rules: NormaliseRules): string {
  if (rules.idEntity) return rules.idEntity;
  const path = routeKey.slice(routeKey.indexOf(' ') + 1);
  const cut = path.indexOf('/{');
  return cut === -1 ? path : path.slice(0, cut);
}

/** Whether the method writes (anything but GET/HEAD/OPTIONS). */
export const isWrite = (method: string): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());

/** Reverse shadow applies: explicit rule, else on for GET only. */
export const reverseShadowOn = (rules: NormaliseRules, method: string): boolean => rules.reverseShadow ?? !isWrite(method);

/** Turn a concrete difference path into a glob for noise: indices and keyed elements become [*]. */
export function generalisePath(path: string): string {
  return path.replace(/\[\d+\]/g, '[*]').replace(/\[[A-Za-z_$][\w$-]*="(?:[^"\\]|\\.)*"\]/g, '[*]');
}
