import { useState } from 'react';

/** Read `#token=…` once and take it out of the address bar (and so out of history and bookmarks). */
function takeToken(): string {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const token = params.get('token') ?? '';
  if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname);
  return token;
}

/**
 * The token of a mailed link (reset, invitation, verification). Links put it in the URL fragment,
 * which browsers never send to a server, so it reaches no access log.
 */
export function useLinkToken(): string {
  const [token] = useState(takeToken);
  return token;
}
