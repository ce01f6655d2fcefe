import type { ReactNode } from 'react';
import { ApiError } from '../../lib/api-client';

/** A centred spinner with a label, for a whole panel. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" aria-hidden />
      <span>{label}</span>
    </div>
  );
}

/** Nothing to show, and what to do about it. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <div className="state-title">{title}</div>
      {children && <div className="state-text">{children}</div>}
    </div>
  );
}

/** An error with its problem detail, the request id for support, and a retry. */
export function ErrorState({ error, onRetry, title = 'Something went wrong' }: { error: unknown; onRetry?: () => void; title?: string }) {
  const e = error instanceof ApiError ? error : undefined;
  return (
    <div className="state state-error" role="alert">
      <div className="state-title">{e?.status === 403 ? 'Not allowed' : title}</div>
      <div className="state-text">{e ? e.detail : error instanceof Error ? error.message : String(error)}</div>
      {e?.requestId && <div className="state-meta">Request id {e.requestId}</div>}
      {onRetry && (
        <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** An inline error line under a form (problem detail, plus field errors not shown elsewhere). */
export function FormError({ error, shownFields = [] }: { error: unknown; shownFields?: string[] }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : undefined;
  const rest = e?.errors.filter((f) => !shownFields.some((s) => f.path === s || f.path.endsWith(`.${s}`))) ?? [];
  return (
    <div className="form-error" role="alert">
      <div>{e ? e.detail : error instanceof Error ? error.message : String(error)}</div>
      {rest.length > 0 && (
        <ul>
          {rest.map((f) => (
            <li key={f.path + f.message}>
              <code>{f.path}</code> {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
