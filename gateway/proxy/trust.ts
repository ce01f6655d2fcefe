import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { isTrustedProxy } from '../config';

/**
 * Which peers may speak for the client: only a configured front proxy's X-Forwarded-* headers and
 * fig's own `x-fig-*` headers are believed; from anyone else they are dropped before a route, a
 * module or the legacy proxy sees them.
 */

/** Whether a peer address is one of TRUSTED_PROXIES (IPs or CIDRs); never true when the list is empty. */
export type TrustedPeer = (address: string | undefined) => boolean;

/** Headers only a trusted proxy (or fig itself) may set. */
const FORWARDING = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded'];

/** Remove forwarding and `x-fig-*` headers in place; returns whether anything was removed. */
export function stripUntrustedHeaders(headers: Record<string, unknown>): boolean {
  let removed = false;
  for (const name of FORWARDING) {
    if (headers[name] !== undefined) {
      delete headers[name];
      removed = true;
    }
  }
  for (const name in headers) {
    if (name.startsWith('x-fig-')) {
      delete headers[name];
      removed = true;
    }
  }
  return removed;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether a peer address is a configured trusted proxy (TRUSTED_PROXIES). */
    trustedPeer: TrustedPeer;
  }
}

/**
 * Drops X-Forwarded-*, Forwarded and `x-fig-*` headers sent by a peer that is not a trusted proxy,
 * first thing on every request, so request.ip, the modules and the proxy all see the peer as it is.
 */
export const clientHeaderTrustPlugin = fp(
  async (app: FastifyInstance) => {
    // One matcher for the whole gateway: the same test decides request.ip and request ids (config.ts).
    const trusted: TrustedPeer = (address) => isTrustedProxy(app.config, address);
    app.decorate('trustedPeer', trusted);
    app.addHook('onRequest', (request, _reply, done) => {
      const raw = request.raw;
      if (!trusted(raw.socket.remoteAddress)) stripUntrustedHeaders(raw.headers);
      done();
    });
  },
  { name: 'client-header-trust', dependencies: ['infra'] },
);
