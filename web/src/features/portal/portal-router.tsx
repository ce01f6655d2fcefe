import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/*
 * The portal's history navigation. Its pages live at /portal/{slug}/…, outside the staff app's
 * /app/ base, so it keeps its own tiny router (same idea as app/router.tsx, absolute paths).
 */
const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

const href = () => window.location.pathname + window.location.search;

/** The current path and query ("/portal/acme/invoices?status=open"). */
export function usePortalLocation(): { pathname: string; search: URLSearchParams } {
  const current = useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, href);
  const [pathname = '/', query = ''] = current.split('?');
  return { pathname, search: new URLSearchParams(query) };
}

/** Go to an absolute portal path. */
export function portalNavigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  listeners.forEach((l) => l());
}

/** An <a> that navigates inside the portal (modifier clicks still open new tabs). */
export function PortalLink({ to, onClick, ...rest }: Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string }) {
  return (
    <a
      href={to}
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        portalNavigate(to);
      }}
      {...rest}
    />
  );
}
