import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { initTelemetry } from './index';

describe('initTelemetry', () => {
  it('is off, loading nothing, without OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    expect(await initTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_SERVICE_NAME: undefined }, 'fig-gateway')).toBeUndefined();
    // No tracer provider was registered: spans are the API's no-op ones.
    expect(trace.getTracer('t').startSpan('x').isRecording()).toBe(false);
  });

  it('exports spans as OTLP/HTTP JSON to <endpoint>/v1/traces with the service name', async () => {
    const received: { url: string; type: string; body: string }[] = [];
    const collector = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', type: req.headers['content-type'] ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    try {
      const { port } = collector.address() as AddressInfo;
      const telemetry = await initTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`, OTEL_SERVICE_NAME: undefined }, 'fig-worker');
      expect(telemetry).toBeDefined();
      trace.getTracer('fig-test').startSpan('a unit of work').end();
      await telemetry!.shutdown();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ url: '/v1/traces', type: 'application/json' });
      const doc = JSON.parse(received[0]!.body) as {
        resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { name: string }[] }[] }[];
      };
      const resource = doc.resourceSpans[0]!;
      expect(resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).toBe('fig-worker');
      expect(resource.scopeSpans.flatMap((s) => s.spans.map((x) => x.name))).toEqual(['a unit of work']);
    } finally {
      collector.close();
    }
  });
});
