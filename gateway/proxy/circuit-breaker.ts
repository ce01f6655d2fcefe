import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * A circuit breaker in front of the legacy upstream. After `threshold` consecutive failures to
 * reach legacy at all (connection refused, connect timeout, reset before an answer) the circuit
 * opens: for `cooldownMs` every proxied request is answered 502 at once, without opening a socket
 * or waiting for the connect timeout, so a dead legacy costs no pile-up of pending connects. After
 * the cooldown one request at a time goes through as a probe (half-open); the first answer
 * closes the circuit, another failure opens it for a further cooldown.
 *
 * Slow answers (504) do not count: one slow route must not cut every other route off legacy.
 * The per-request cost is a field read and a comparison (see `allow`).
 */
export class CircuitBreaker {
  private failures = 0;
  /** performance.now() until which the circuit is open; 0 when closed. */
  private openUntil = 0;
  /** A half-open probe is in flight since this time (0: none): other requests still short-circuit. */
  private probing = 0;
  private readonly metrics: { opened: Counter; shortCircuited: Counter; state: Gauge } | undefined;

  constructor(
    private readonly opts: {
      threshold: number;
      cooldownMs: number;
      /** A probe not heard of within this time (the upstream timeout) no longer blocks the next one. */
      probeTimeoutMs: number;
      registry?: Registry;
    },
  ) {
    if (opts.registry) {
      const registers = [opts.registry];
      this.metrics = {
        opened: new Counter({ name: 'fig_proxy_circuit_opened_total', help: 'Times the legacy circuit breaker opened', registers }),
        shortCircuited: new Counter({ name: 'fig_proxy_circuit_short_circuited_total', help: 'Proxied requests answered 502 by an open circuit, without trying legacy', registers }),
        state: new Gauge({ name: 'fig_proxy_circuit_open', help: '1 while the legacy circuit breaker is open or half-open', registers }),
      };
    }
  }

  /** Whether a request may try legacy now. False: answer 502 without trying. */
  allow(): boolean {
    if (this.openUntil === 0) return true;
    const now = performance.now();
    if (now >= this.openUntil && (this.probing === 0 || now - this.probing > this.opts.probeTimeoutMs)) {
      this.probing = now;
      return true;
    }
    this.metrics?.shortCircuited.inc();
    return false;
  }

  /** Legacy answered (any status, or accepted the connection and then was slow): the circuit closes. */
  success(): void {
    this.failures = 0;
    if (this.openUntil !== 0) {
      this.openUntil = 0;
      this.probing = 0;
      this.metrics?.state.set(0);
    }
  }

  /** Legacy could not be reached. Opens the circuit at the threshold, or again after a failed probe. */
  failure(): void {
    this.failures++;
    if (this.probing !== 0 || (this.openUntil === 0 && this.failures >= this.opts.threshold)) {
      if (this.openUntil === 0) this.metrics?.opened.inc();
      this.openUntil = performance.now() + this.opts.cooldownMs;
      this.probing = 0;
      this.metrics?.state.set(1);
    }
  }

  /** 'closed', 'open' or 'half-open' (for tests and /metrics readers). */
  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openUntil === 0) return 'closed';
    return this.probing !== 0 ? 'half-open' : 'open';
  }
}

/** Upstream error codes that mean legacy was not reached at all (as opposed to slow or mid-answer). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'UND_ERR_SOCKET', 'EAI_AGAIN']);

/** Whether an upstream error (undici's, or one wrapping it as its cause) means legacy is unreachable. */
export function isUnreachable(error: Error & { code?: string; cause?: unknown }): boolean {
  const causeCode = (error.cause as { code?: string } | undefined)?.code;
  return UNREACHABLE_CODES.has(causeCode ?? '') || UNREACHABLE_CODES.has(error.code ?? '');
}
