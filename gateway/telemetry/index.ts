/**
 * Whether this process traces. With OTEL_EXPORTER_OTLP_ENDPOINT unset nothing of OpenTelemetry is
 * loaded (./tracing.ts is imported dynamically, only when on). Entry points call initTelemetry
 * first and import the app afterwards, so the instrumentations see Fastify, pg and ioredis load.
 */
import type { Config } from '../config';

export interface Telemetry {
  /** Flush buffered spans and stop; resolves when done (never throws). */
  shutdown(): Promise<void>;
}

/** Start OTLP tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set; undefined when tracing is off. */
export async function initTelemetry(
  config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>,
  defaultServiceName: string,
): Promise<Telemetry | undefined> {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const [{ startTracing }, { OTLPTraceExporter }] = await Promise.all([
    import('./tracing'),
    import('@opentelemetry/exporter-trace-otlp-http'),
  ]);
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const sdk = startTracing({ serviceName: config.OTEL_SERVICE_NAME ?? defaultServiceName, exporter });
  return { shutdown: () => sdk.shutdown().catch(() => undefined) };
}
