import { parseBody } from './body';
import { redactJson } from './redact';

const CORPUS_BODY_MAX = 64 * 1024;

/** Milliseconds to two decimals, as the corpus stores timings. */
export const round = (n: number): number => Math.round(n * 100) / 100;

/** Long text cut to 2,000 characters, with its length. */
export function truncate(v: unknown): unknown {
  return typeof v === 'string' && v.length > 2000 ? `${v.slice(0, 2000)}… (${v.length} chars)` : v;
}

/** A parsed body as the mismatch corpus keeps it: redacted, or only its size past 64 KiB. */
export function corpusValue(p: ReturnType<typeof parseBody>, sensitive: readonly string[]): unknown {
  if (!p.json) return typeof p.value === 'string' ? truncate(p.value) : null;
  const text = JSON.stringify(p.value);
  if (text.length > CORPUS_BODY_MAX) return { truncated: true, bytes: text.length };
  return redactJson(p.value, sensitive);
}

/** A raw request body as the mismatch corpus keeps it. */
export function corpusBody(body: Buffer | undefined, sensitive: readonly string[]): unknown {
  if (!body?.length) return null;
  return corpusValue(parseBody(body), sensitive);
}
