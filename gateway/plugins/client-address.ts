import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';
import { isTrustedProxy, type Config } from '../config';

/** What a request id may look like when fig keeps one (it lands in logs, headers and audit rows). */
export const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Fastify's trustProxy: only the configured proxies (TRUSTED_PROXIES); with none, false, so
 * request.ip is the socket peer and X-Forwarded-For from a client is ignored.
 */
export function trustProxyOption(config: Config): false | ((address: string, hop: number) => boolean) {
  if (config.trustedProxies.length === 0) return false;
  return (address) => isTrustedProxy(config, address);
}

/** Fastify's genReqId: keep X-Request-Id only from a trusted proxy and only when well formed; otherwise mint one. */
export function requestIdGenerator(config: Config): (req: IncomingMessage) => string {
  return (req) => {
    const given = req.headers['x-request-id'];
    if (typeof given === 'string' && REQUEST_ID_RE.test(given) && isTrustedProxy(config, req.socket?.remoteAddress)) return given;
    return randomUUID();
  };
}

/**
 * The X-Forwarded-For entries a trusted proxy vouches for: read right to left (nearest hop first),
 * stop at the first entry that is not an IP address, so whatever a client wrote further left (a
 * formula, a script, a made-up hop) never becomes request.ip, an audit row or a session's IP.
 */
export function usableForwardedFor(header: string): string[] {
  const entries = header.split(',').map((e) => e.trim());
  const kept: string[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    if (!isIP(entries[i]!)) break;
    kept.unshift(entries[i]!);
  }
  return kept;
}

/**
 * request.ip that can be believed. From anyone but a trusted proxy X-Forwarded-For is ignored
 * (trustProxyOption); from a trusted proxy it is cut back to its valid suffix here, before
 * Fastify's proxy-addr reads it, so request.ip is always an IP address.
 */
export const clientAddressPlugin = fp(
  async (app) => {
    const config = app.config;
    app.addHook('onRequest', (request, _reply, done) => {
      const headers = request.raw.headers;
      const xff = headers['x-forwarded-for'];
      if (xff !== undefined && isTrustedProxy(config, request.raw.socket?.remoteAddress)) {
        const kept = usableForwardedFor(Array.isArray(xff) ? xff.join(',') : xff);
        if (kept.length) headers['x-forwarded-for'] = kept.join(', ');
        else delete headers['x-forwarded-for'];
      }
      done();
    });
  },
  { name: 'client-address', dependencies: ['infra'] },
);
