import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/*
 * The portal's history navigation. Its pages live at /portal/{slug}/…, outside the staff app's
 * /app/ base, so it keeps its own tiny router (same idea as app/router.tsx, absolute paths).
 */
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
window.addEventListener('popstate', notify);
// A mailed link opened in the tab that asked for it differs only in its fragment (#token=…).
window.addEventListener('hashchange', notify);

const href = () => window.location.pathname + window.location.search + window.location.hash;

/** The current path, query and fragment ("/portal/acme/sign-in", "#token=…"). */
export function usePortalLocation(): { pathname: string; search: URLSearchParams; hash: string } {
  const current = useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, href);
  const [beforeHash = '', hash = ''] = current.split('#');
  const [pathname = '/', query = ''] = beforeHash.split('?');
  return { pathname, search: new URLSearchParams(query), hash };
}

/** Go to an absolute portal path. */
export function portalNavigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

/** An <a> that navigates inside the portal (modifier clicks still open new tabs). */
export function PortalLink({
  to,
  onClick,
  ...rest
}: Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string }) {
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
