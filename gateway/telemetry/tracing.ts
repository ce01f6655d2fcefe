/**
 * The OpenTelemetry SDK, loaded only when tracing is on (see ./index.ts): the Node SDK with the
 * http, Fastify, undici, pg and ioredis instrumentations, W3C trace context, and the exporter given
 * (OTLP/HTTP in production, in memory in tests). Nothing else in fig imports this file, so with
 * tracing off none of it is loaded and the hot path pays nothing.
 */
import { register } from 'node:module';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { FastifyInstrumentation } from '@opentelemetry/instrumentation-fastify';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

export interface TracingOptions {
  serviceName: string;
  exporter: SpanExporter;
  /** Export each span as it ends (tests) instead of in batches (production). */
  simple?: boolean;
}

/** Paths whose server spans are not worth recording: scrapes and probes, every few seconds. */
const QUIET_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

/** Names of the trace context headers the propagator writes (W3C trace context). */
const TRACE_HEADERS = new Set(['traceparent', 'tracestate']);

/**
 * undici's request headers as an array [name, value, ...]: drop trace context headers already on
 * the request (the proxy sets a traceparent of its own for when tracing is off), so the one the
 * instrumentation injects, naming the client span, is the only one legacy sees.
 */
function dropTraceHeaders(request: { headers: unknown }): void {
  const headers = request.headers;
  if (!Array.isArray(headers)) return;
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (TRACE_HEADERS.has(String(headers[i]).toLowerCase())) headers.splice(i, 2);
  }
}

/**
 * Start tracing for this process. Call before the app's modules are imported: the ESM loader hook
 * and the require hook patch Fastify, pg and ioredis as they load (undici and http are patched
 * through diagnostics channels and the core modules). Returns the SDK; `shutdown()` flushes.
 */
export function startTracing(opts: TracingOptions): NodeSDK {
  // Fastify imported from ESM is only seen by the import-in-the-middle hook.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    spanProcessors: [opts.simple ? new SimpleSpanProcessor(opts.exporter) : new BatchSpanProcessor(opts.exporter)],
    // Traces only: fig's metrics are Prometheus (/metrics) and its logs pino.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => QUIET_PATHS.has((req.url ?? '').split('?', 1)[0]!),
      }),
      new FastifyInstrumentation(),
      new UndiciInstrumentation({ requestHook: (_span, request) => dropTraceHeaders(request) }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}
