import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher, Pool } from 'undici';
import { responseHeadersFromRaw, type ResponseHeaders } from './headers';

/**
 * One proxied request as an undici dispatch handler (ADR 0023): the upstream's status and raw
 * header lines arrive in `onHeaders`, body chunks in `onData`. A small body of known length is
 * gathered and sent whole in one write; any other body streams through an UpstreamBody with
 * backpressure (a full client socket pauses the upstream socket). No response stream, no header
 * object copies and no closures are made for the usual small JSON answer.
 */

/** What the upstream answered, before fig sends it on (see ProxyLegacyOptions.onResponse). */
export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  stream: Readable;
}

export type UpstreamError = Error & { code?: string; cause?: unknown };

/** What LegacyCall needs from the plugin: the shared pool, the breaker and how to answer. */
export interface LegacyProxyContext {
  pool: Pool;
  /** Called with the upstream's headers (hop-by-hop removed) to add fig's and rewrite Location. */
  finishHeaders(request: FastifyRequest, headers: ResponseHeaders): void;
  /** Legacy answered: the circuit closes and the upstream latency is recorded. */
  answered(request: FastifyRequest, statusCode: number, started: number): void;
  /** Legacy could not be reached or failed before answering: breaker accounting and a problem. */
  failed(request: FastifyRequest, reply: FastifyReply, error: UpstreamError, beforeAnswer: boolean): void;
}

/** Largest body gathered and sent in one write; anything larger, or of unknown length, streams. */
export const SMALL_BODY_BYTES = 64 * 1024;

/** A pooled keep-alive connection the upstream closed just as we reused it: safe to retry once. */
const STALE_SOCKET_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Statuses that never carry a body (RFC 9110 §6.4.1): their headers go out as received. */
export function isBodiless(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

type OnResponse = (request: FastifyRequest, reply: FastifyReply, res: UpstreamResponse) => void;

export class LegacyCall implements Dispatcher.DispatchHandler {
  private abortUpstream: ((err?: Error) => void) | undefined;
  private statusCode = 0;
  private headers: ResponseHeaders | undefined;
  /** Chunks of a small body being gathered (null: not gathering). */
  private chunks: Buffer[] | null = null;
  private body: UpstreamBody | null = null;
  private attempt = 0;
  /** The answer is settled (sent, handed over or given up): later events are ignored. */
  private settled = false;
  /** The upstream answer has been read to its end. */
  private complete = false;
  private readonly started = performance.now();

  constructor(
    private readonly ctx: LegacyProxyContext,
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
    private readonly opts: Dispatcher.DispatchOptions,
    private readonly onResponse: OnResponse | undefined,
  ) {}

  start(): void {
    this.ctx.pool.dispatch(this.opts, this);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    const { request, reply } = this;
    this.ctx.answered(request, statusCode, this.started);
    if (request.raw.aborted || reply.raw.destroyed) {
      // The client went away while legacy was answering: nothing to send, free the upstream socket.
      this.settled = true;
      return this.giveUp();
    }
    const headers = responseHeadersFromRaw(rawHeaders);
    this.ctx.finishHeaders(request, headers);
    this.statusCode = statusCode;
    this.headers = headers;
    if (this.onResponse) {
      this.settled = true;
      if (!this.applyHead()) return this.giveUp();
      this.body = new UpstreamBody(this, resume);
      this.onResponse(request, reply, { statusCode, headers, stream: this.body });
      return true;
    }
    if (isBodiless(statusCode) || request.method === 'HEAD') {
      // Sent without a payload, Fastify keeps the headers as legacy gave them (Content-Type on a
      // 204, Content-Length on a HEAD).
      this.settled = true;
      if (this.applyHead()) reply.send();
      return true;
    }
    const length = Number(headers['content-length']);
    if (length > 0 && length <= SMALL_BODY_BYTES && headers['content-type'] !== undefined) {
      this.chunks = [];
      return true;
    }
    this.settled = true;
    if (!this.applyHead()) return this.giveUp();
    this.body = new UpstreamBody(this, resume);
    reply.send(this.body);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.chunks !== null) {
      this.chunks.push(chunk);
      return true;
    }
    return this.body !== null ? this.body.push(chunk) : true;
  }

  onComplete(): void {
    this.complete = true;
    const chunks = this.chunks;
    if (chunks !== null) {
      this.chunks = null;
      if (this.settled) return;
      this.settled = true;
      if (this.applyHead()) this.reply.send(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    } else if (this.body !== null) {
      this.body.push(null);
    }
  }

  onError(err: Error): void {
    const error = err as UpstreamError;
    if (this.body !== null) {
      // The answer has started: the client's response is cut (Fastify destroys it).
      this.body.destroy(error);
      return;
    }
    if (this.settled) return;
    const beforeAnswer = this.headers === undefined;
    if (beforeAnswer && this.attempt === 0 && STALE_SOCKET_CODES.has(error.code ?? '') && IDEMPOTENT.has(this.request.method) && this.opts.body == null) {
      this.attempt = 1;
      setTimeout(() => this.start(), 1);
      return;
    }
    this.settled = true;
    this.chunks = null;
    if (!this.reply.sent) this.ctx.failed(this.request, this.reply, error, beforeAnswer);
  }

  /** The client is gone or stopped reading the stream: stop the upstream request. */
  cancel(err: Error | null): void {
    if (!this.complete) this.abortUpstream?.(err ?? new Error('client closed the connection'));
  }

  /** Nothing will be sent from this answer: stop reading it. */
  private giveUp(): boolean {
    this.cancel(null);
    return false;
  }

  /** Status and headers onto the reply; false (and a 502 sent) when Fastify refuses the status. */
  private applyHead(): boolean {
    const reply = this.reply;
    try {
      reply.code(this.statusCode);
    } catch (err) {
      this.request.log.warn({ err, statusCode: this.statusCode }, 'legacy answered an invalid status code');
      this.ctx.failed(this.request, reply, Object.assign(new Error(`invalid status ${this.statusCode}`), { code: 'FIG_BAD_STATUS' }), false);
      return false;
    }
    reply.headers(this.headers!);
    // An HTTP/1 connection cannot be reused before its request body is read: legacy answered early.
    if (!this.request.raw.complete) reply.header('connection', 'close');
    return true;
  }
}

/** A response body streaming from undici to the client; reading resumes a paused upstream socket. */
class UpstreamBody extends Readable {
  constructor(
    private readonly call: LegacyCall,
    private readonly resumeUpstream: () => void,
  ) {
    super();
  }

  override _read(): void {
    this.resumeUpstream();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.call.cancel(err);
    cb(err);
  }
}
