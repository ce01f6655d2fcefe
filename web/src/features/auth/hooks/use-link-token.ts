import { useState } from 'react';

// The token taken from the fragment, kept for the page it was on: the fragment is gone after the
// first read, and React may call a state initializer twice (StrictMode in development).
let taken: { path: string; token: string } | undefined;

/** Read `#token=…` once and take it out of the address bar (and so out of history and bookmarks). */
function takeToken(): string {
  const { hash, pathname } = window.location;
  if (hash) {
    taken = { path: pathname, token: new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '' };
    window.history.replaceState(window.history.state, '', pathname);
  }
  return taken?.path === pathname ? taken.token : '';
}

/**
 * The token of a mailed link (reset, invitation, verification). Links put it in the URL fragment,
 * which browsers never send to a server, so it reaches no access log.
 */
export function useLinkToken(): string {
  const [token] = useState(takeToken);
  return token;
}
