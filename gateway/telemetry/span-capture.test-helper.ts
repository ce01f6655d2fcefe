/**
 * A gateway process for tracing tests: tracing starts first with an in-memory exporter, then the
 * app is imported and built, exactly in gateway/main.ts's order (the instrumentations only see
 * modules loaded after them, which a test runner's own module loader would hide). Configured by
 * the environment like the gateway; it sends `{ port }` to its parent over IPC once listening and
 * answers each `'spans'` message with the finished spans so far.
 *
 *   spawn(process.execPath, ['--import', 'tsx', 'gateway/telemetry/span-capture.test-helper.ts'], { stdio: [..., 'ipc'] })
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing } from './tracing';

/** A finished span as the test sees it (ids, kind, scope, attributes). */
export interface CapturedSpan {
  name: string;
  kind: number;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, unknown>;
}

const exporter = new InMemorySpanExporter();
const sdk = startTracing({ serviceName: 'fig-test', exporter, simple: true });
const { loadConfig } = await import('../config');
const { buildApp } = await import('../app');
const config = loadConfig();
const app = await buildApp(config, { logger: false });
await app.listen({ host: '127.0.0.1', port: config.PORT });
const address = app.server.address();
process.send!({ port: typeof address === 'object' && address ? address.port : 0 });

process.on('message', (msg) => {
  if (msg === 'spans') {
    const spans: CapturedSpan[] = exporter.getFinishedSpans().map((s) => ({
      name: s.name,
      kind: s.kind,
      scope: s.instrumentationScope.name,
      traceId: s.spanContext().traceId,
      spanId: s.spanContext().spanId,
      parentSpanId: s.parentSpanContext?.spanId,
      attributes: { ...s.attributes },
    }));
    process.send!({ spans });
  } else if (msg === 'stop') {
    void app
      .close()
      .then(() => sdk.shutdown())
      .finally(() => process.exit(0));
  }
});
