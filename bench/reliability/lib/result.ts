/** What one reliability scenario found: a verdict, the checks behind it and its figures. */
export interface ScenarioResult {
  name: string;
  pass: boolean;
  /** Each check with whether it held (a FAIL names the ones that did not). */
  checks: { what: string; ok: boolean }[];
  /** Figures for the results table, in order (name → printable value). */
  figures: Record<string, string | number>;
  /** What the scenario did not cover and why (kept in the table). */
  notes?: string[];
}

/** Build a result from named checks: passes when every check holds. */
export function verdict(name: string, checks: [string, boolean][], figures: Record<string, string | number>, notes?: string[]): ScenarioResult {
  const list = checks.map(([what, ok]) => ({ what, ok }));
  return { name, pass: list.every((c) => c.ok), checks: list, figures, notes };
}

/** The one closing line of a scenario: `PASS legacy-down: 502 p99=12ms, …` or `FAIL … (failed: …)`. */
export function resultLine(r: ScenarioResult): string {
  const figures = Object.entries(r.figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const failed = r.checks.filter((c) => !c.ok).map((c) => c.what);
  return `${r.pass ? 'PASS' : 'FAIL'} ${r.name}: ${figures}${failed.length ? ` (failed: ${failed.join('; ')})` : ''}`;
}

/** Round to `dp` decimals for display. */
export const round = (n: number, dp = 1): number => Math.round(n * 10 ** dp) / 10 ** dp;
