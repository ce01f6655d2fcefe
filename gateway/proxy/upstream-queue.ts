import type { FastifyReply } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import { sendProblem } from '../plugins/problem';

/** Problem code of a request refused because the upstream's pool and its queue are full. */
export const UPSTREAM_SATURATED = 'FIG_UPSTREAM_SATURATED';

/**
 * A bound on the requests one upstream holds: `connections` that can be answered at once by the
 * pool plus `queueMax` waiting for a free connection. undici's pool queues without limit, so
 * without this a burst that legacy cannot absorb makes every request wait longer and longer (the
 * burst-10x scenario: a third of the requests past a 10 s client timeout, nothing shed because the
 * event loop itself was not busy). Past the bound a request is answered 503 FIG_UPSTREAM_SATURATED
 * with Retry-After at once, without touching the pool.
 *
 * A request counts from admission until its response closes (finished or aborted), which is when
 * its pooled connection is free again. Cost per proxied request: a comparison, an increment and
 * one 'close' listener.
 */
export class UpstreamQueue {
  private inFlight = 0;
  private readonly limit: number;
  private readonly retryAfter: string;
  private readonly metrics: { refused: () => void } | undefined;
  private readonly release = () => {
    this.inFlight--;
  };

  constructor(opts: { upstream: string; connections: number; queueMax: number; retryAfterS: number; registry?: Registry }) {
    this.limit = opts.connections + opts.queueMax;
    this.retryAfter = String(opts.retryAfterS);
    if (opts.registry) {
      const registers = [opts.registry];
      const upstream = { upstream: opts.upstream };
      const refused = new Counter({ name: 'fig_proxy_upstream_refused_total', help: 'Requests answered 503 because the upstream pool and its queue were full', labelNames: ['upstream'], registers });
      const inFlight: Gauge<'upstream'> = new Gauge({
        name: 'fig_proxy_upstream_in_flight',
        help: 'Requests held by an upstream (answering or waiting for a pooled connection)',
        labelNames: ['upstream'],
        registers,
        collect: (): void => inFlight.set(upstream, this.inFlight),
      });
      this.metrics = { refused: () => refused.inc(upstream) };
    }
  }

  /** Requests held now (for tests and figures). */
  get size(): number {
    return this.inFlight;
  }

  /**
   * Admit the reply's request to the upstream (true), or answer it 503 FIG_UPSTREAM_SATURATED with
   * Retry-After right away (false: the reply is sent, do not proxy).
   */
  admit(reply: FastifyReply): boolean {
    if (this.inFlight >= this.limit) {
      this.metrics?.refused();
      reply.header('retry-after', this.retryAfter);
      sendProblem(reply.request, reply, 503, UPSTREAM_SATURATED, `The legacy service is saturated (${this.limit} requests in progress or waiting); retry after ${this.retryAfter} s`);
      return false;
    }
    this.inFlight++;
    reply.raw.once('close', this.release);
    return true;
  }
}
