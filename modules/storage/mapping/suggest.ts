import { normalise, tokens } from './normalise';
import { profile, typeFit, type TargetKind } from './sniff';
import { SYNONYMS } from './synonyms';

/** Something a column can feed: an identity target or a plan input. */
export interface MappingTarget {
  key: string;
  /** Other names for it: catalog label, description. */
  labels: string[];
  kind: TargetKind;
}

export interface ColumnSample {
  column: string;
  samples: string[];
}

export interface ColumnSuggestion {
  column: string;
  target: string | null;
  /** 0..1: how sure the suggestion is (1 = exact name or a saved preset). */
  confidence: number;
  reason: string;
  sample: string[];
}

/** Below this a column is left unmapped rather than guessed. */
export const MIN_CONFIDENCE = 0.45;

/** The kind of values an input expects, from its catalog type or else its name. */
export function kindOfInput(name: string, catalogType: string | null): TargetKind {
  if (catalogType === 'money') return 'money';
  if (catalogType === 'percent') return 'fraction';
  if (catalogType) return 'decimal';
  const t = tokens(name);
  if (t.some((w) => ['percent', 'rate', 'ratio', 'return', 'attainment', 'score', 'factor', 'multiplier'].includes(w))) return 'fraction';
  if (t.some((w) => ['salary', 'revenue', 'pay', 'sales', 'amount', 'bonus', 'commission', 'quota'].includes(w))) return 'money';
  return 'decimal';
}

/** How much a header's name says it is a target, 0..1, and the phrase that matched. */
export function nameScore(header: string, target: MappingTarget): { score: number; phrase: string } {
  const h = tokens(header);
  const hn = h.join(' ');
  const phrases = [...(SYNONYMS[target.key] ?? []), normalise(target.key.replace(/_/g, ' ')), ...target.labels.map(normalise)].filter(Boolean);
  let best = { score: 0, phrase: '' };
  for (const phrase of phrases) {
    let score: number;
    if (phrase === hn) score = 1;
    else {
      const p = phrase.split(' ');
      const inter = p.filter((w) => h.includes(w)).length;
      if (inter === 0) continue;
      score = ((2 * inter) / (h.length + p.length)) * 0.85;
      // Every word of the phrase is in the header ("Annual base salary (EUR)" ⊇ "base salary").
      if (inter === p.length) score = Math.max(score, 0.6 + (0.3 * p.length) / h.length);
    }
    if (score > best.score) best = { score, phrase };
  }
  return best;
}

/**
 * Suggest, per column, which target it feeds: name similarity (normalised names, abbreviations,
 * synonyms) weighed by whether its sample values fit the target's type; then each target goes to
 * its best column and each column to at most one target, best pairs first.
 */
export function suggestMapping(columns: ColumnSample[], targets: MappingTarget[]): ColumnSuggestion[] {
  const pairs: { ci: number; target: string; score: number; reason: string }[] = [];
  columns.forEach((col, ci) => {
    const prof = profile(col.samples);
    for (const target of targets) {
      const { score, phrase } = nameScore(col.column, target);
      if (score === 0) continue;
      const fit = typeFit(target.kind, prof);
      const total = score * (0.55 + 0.45 * fit);
      pairs.push({ ci, target: target.key, score: total, reason: `name matches '${phrase}'; values ${fit >= 0.9 ? 'fit' : fit >= 0.3 ? 'partly fit' : 'do not fit'} ${target.kind}` });
    }
  });
  pairs.sort((a, b) => b.score - a.score || a.ci - b.ci);
  const byColumn = new Map<number, (typeof pairs)[number]>();
  const taken = new Set<string>();
  for (const p of pairs) {
    if (p.score < MIN_CONFIDENCE || byColumn.has(p.ci) || taken.has(p.target)) continue;
    byColumn.set(p.ci, p);
    taken.add(p.target);
  }
  return columns.map((col, ci) => {
    const p = byColumn.get(ci);
    return {
      column: col.column,
      target: p?.target ?? null,
      confidence: p ? Math.round(Math.min(1, p.score) * 100) / 100 : 0,
      reason: p?.reason ?? 'no target matches this column',
      sample: col.samples.slice(0, 3),
    };
  });
}
