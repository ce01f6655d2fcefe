import type { ReactNode } from 'react';

/** The card layout shared by the pages a mailed link opens (same look as the sign-in page). */
export function LinkPage({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <div className="login-screen">
      <div className="login-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden />
          fig
        </div>
        <h1>{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
        {children}
      </div>
    </div>
  );
}
