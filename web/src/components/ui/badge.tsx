import type { ReactNode } from 'react';

export type RouteMode = 'legacy' | 'shadow' | 'canary' | 'new';

/** A small coloured label. */
export function Badge({ tone = 'neutral', children, title }: { tone?: string; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** The route mode, each with its own colour (legacy grey, shadow violet, canary amber, new green). */
export function ModeBadge({ mode, canaryPercent }: { mode: RouteMode; canaryPercent?: number }) {
  return (
    <span className={`badge badge-mode mode-${mode}`} data-mode={mode}>
      <span className="dot" aria-hidden />
      {mode}
      {mode === 'canary' && canaryPercent !== undefined ? ` ${canaryPercent}%` : ''}
    </span>
  );
}
