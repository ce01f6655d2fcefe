import { randomFillSync } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Header work of the legacy proxy, kept free of Fastify so it is cheap and testable:
 * hop-by-hop removal (RFC 9110 §7.6.1), X-Forwarded-*, X-Request-Id and W3C traceparent.
 */

/**
 * Hop-by-hop headers, meaningful for one connection only and never forwarded in either direction:
 * connection, keep-alive, te, trailer, transfer-encoding, upgrade and proxy-* (see isHopByHop).
 */

/**
 * Request headers undici refuses or must own itself: `expect` (Node already answered
 * `100-continue` to the client); Host is always fig's (upstreamRequestHeaderList).
 */
const REQUEST_ONLY_DROPPED = new Set(['expect']);

type HeaderValue = string | string[] | number | undefined;

/** Lower-case names listed in a Connection header ("close, X-Foo" → ['close', 'x-foo']). */
function connectionTokens(value: HeaderValue): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : String(value);
  const out: string[] = [];
  for (const token of joined.split(',')) {
    const t = token.trim().toLowerCase();
    if (t) out.push(t);
  }
  return out;
}

/** Whether a header name is hop-by-hop (a switch on the first letter: no Set lookup or list per header). */
function isHopByHop(name: string, direction: 'request' | 'response'): boolean {
  switch (name.charCodeAt(0)) {
    case 99: // c
      return name === 'connection';
    case 107: // k
      return name === 'keep-alive';
    case 116: // t
      return name === 'te' || name === 'trailer' || name === 'transfer-encoding';
    case 117: // u
      return name === 'upgrade';
    case 112: // p
      return name.startsWith('proxy-');
    case 101: // e
      return direction === 'request' && REQUEST_ONLY_DROPPED.has(name);
    default:
      return false;
  }
}

// Random hex ids without a crypto call per request: refill a 4 KiB pool when it runs out.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** `bytes` random bytes as lower-case hex, never all zeros (W3C forbids zero trace and span ids). */
export function randomHex(bytes: number): string {
  for (;;) {
    if (poolOffset + bytes > POOL_SIZE) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
    poolOffset += bytes;
    if (!/^0+$/.test(hex)) return hex;
  }
}

const TRACEPARENT_RE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The trace id and flags of a valid W3C traceparent, or undefined when it is absent or invalid. */
export function parseTraceparent(value: HeaderValue): { traceId: string; flags: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TRACEPARENT_RE.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, parentId, flags, rest] = m as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is invalid; version 00 has exactly four fields; later versions may append more.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceId, flags };
}

/**
 * The traceparent fig sends upstream: the caller's trace id with a new span id (fig is the
 * parent of the legacy call), or a new sampled trace when the caller sent none or a bad one.
 */
export function nextTraceparent(incoming: HeaderValue): { value: string; continued: boolean } {
  const parsed = parseTraceparent(incoming);
  if (parsed) return { value: `00-${parsed.traceId}-${randomHex(8)}-${parsed.flags}`, continued: true };
  return { value: `00-${randomHex(16)}-${randomHex(8)}-01`, continued: false };
}

export interface ForwardContext {
  requestId: string;
  /** Address of the peer that connected to fig. */
  remoteAddress: string | undefined;
  /** Whether that connection was TLS. */
  encrypted: boolean;
}

/** Request headers fig sets itself (or passes from the joined map), never copied from the client's lines. */
const OWN_REQUEST_HEADERS = new Set(['host', 'content-length', 'content-type', 'x-request-id', 'traceparent', 'tracestate', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded']);

/** What upstreamRequestHeaderList needs beyond the client's request. */
export interface RawForwardContext extends ForwardContext {
  /** The upstream's authority (`host:port`), sent as Host. */
  host: string;
  /** Length of a body fig sends instead of the client's stream; undefined: the client's framing. */
  bodyLength: number | undefined;
  /** Whether any body goes upstream (false drops the client's Content-Length). */
  hasBody: boolean;
}

/**
 * The upstream request headers as undici's flat `[name, value, …]` list, built from the client's
 * raw header lines: a header sent twice goes out as two lines, in order and with the client's
 * spelling (Node's joined `headers` map would merge them into `a, b`). A line whose name is no
 * longer in `clientHeaders` was dropped by fig (untrusted forwarding, `x-fig-*`) and is skipped;
 * hop-by-hop headers and those a Connection header names are removed; Host, framing, forwarding,
 * X-Request-Id and trace context are fig's (one line each).
 */
export function upstreamRequestHeaderList(rawHeaders: string[], clientHeaders: IncomingHttpHeaders, ctx: RawForwardContext): string[] {
  const listed = clientHeaders.connection !== undefined ? connectionTokens(clientHeaders.connection) : undefined;
  const out: string[] = ['host', ctx.host];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (OWN_REQUEST_HEADERS.has(lower) || isHopByHop(lower, 'request') || clientHeaders[lower] === undefined) continue;
    if (listed !== undefined && listed.includes(lower)) continue;
    out.push(name, rawHeaders[i + 1]!);
  }
  const contentType = clientHeaders['content-type'];
  if (contentType !== undefined) out.push('content-type', contentType);
  if (ctx.bodyLength !== undefined) out.push('content-length', String(ctx.bodyLength));
  else if (ctx.hasBody && clientHeaders['content-length'] !== undefined) out.push('content-length', clientHeaders['content-length']);
  const prior = clientHeaders['x-forwarded-for'];
  const hop = ctx.remoteAddress ?? 'unknown';
  out.push('x-forwarded-for', prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${hop}` : hop);
  out.push('x-forwarded-proto', joined(clientHeaders['x-forwarded-proto']) || (ctx.encrypted ? 'https' : 'http'));
  const forwardedHost = joined(clientHeaders['x-forwarded-host']) || clientHeaders.host;
  if (forwardedHost) out.push('x-forwarded-host', forwardedHost);
  const forwarded = joined(clientHeaders.forwarded);
  if (forwarded) out.push('forwarded', forwarded);
  out.push('x-request-id', ctx.requestId);
  const trace = nextTraceparent(clientHeaders.traceparent);
  out.push('traceparent', trace.value);
  // tracestate belongs to the trace it came with; dropped when fig starts a new trace.
  const tracestate = joined(clientHeaders.tracestate);
  if (trace.continued && tracestate) out.push('tracestate', tracestate);
  return out;
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

const PLAIN_CONNECTION = /^\s*(?:keep-alive|close)\s*$/i;

/** Response headers as Fastify's reply takes them: lower-case names, a repeated header as an array. */
export type ResponseHeaders = Record<string, string | string[]>;

/**
 * The upstream's raw response header lines (undici's Buffers) as a header object without hop-by-hop
 * headers and those its Connection header names. Values are decoded as latin1, byte for byte what
 * Node writes back out; a header sent more than once (Set-Cookie) stays separate lines.
 */
export function responseHeadersFromRaw(rawHeaders: Buffer[]): ResponseHeaders {
  const out: ResponseHeaders = {};
  let listed: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toString('latin1').toLowerCase();
    const value = rawHeaders[i + 1]!.toString('latin1');
    if (isHopByHop(name, 'response')) {
      // `keep-alive` / `close` (nearly every answer) name no header: no token list is built.
      if (name === 'connection' && !PLAIN_CONNECTION.test(value)) (listed ??= []).push(...connectionTokens(value));
      continue;
    }
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [prev, value];
  }
  if (listed !== undefined) for (const name of listed) delete out[name];
  return out;
}
