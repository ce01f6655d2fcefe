import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { initTelemetry } from './index';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * ESM loader hooks (registered with --import before the app) that append every resolved
 * `@opentelemetry/*` URL to RECORD_IMPORTS_TO: what a process really loaded, seen from outside.
 */
const HOOKS = String.raw`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.includes('/@opentelemetry/')) appendFileSync(process.env.RECORD_IMPORTS_TO, r.url + '\n');
  return r;
}`;

describe('initTelemetry', () => {
  it('with tracing off, a process that starts like gateway/main.ts and imports the whole app loads no OpenTelemetry module', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fig-otel-imports-'));
    const record = path.join(dir, 'imports.txt');
    writeFileSync(path.join(dir, 'hooks.mjs'), HOOKS);
    writeFileSync(path.join(dir, 'register.mjs'), `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});`);
    // main.ts's order: initTelemetry, then the app (every module it imports statically). Then, as a
    // control that the hook sees imports at all, one explicit import of the API.
    const script = `
      const { initTelemetry } = await import(${JSON.stringify(path.join(root, 'gateway/telemetry/index.ts'))});
      if (await initTelemetry({}, 'fig-gateway')) throw new Error('tracing is on');
      await import(${JSON.stringify(path.join(root, 'gateway/app.ts'))});
      (await import('node:fs')).writeFileSync(process.env.RECORD_IMPORTS_TO + '.app', 'loaded');
      await import('@opentelemetry/api');
      process.exit(0);`;
    try {
      await promisify(execFile)(process.execPath, ['--import', 'tsx', '--import', pathToFileURL(path.join(dir, 'register.mjs')).href, '--input-type=module', '-e', script], {
        cwd: root,
        env: { ...process.env, RECORD_IMPORTS_TO: record, OTEL_EXPORTER_OTLP_ENDPOINT: '' },
      });
      expect(existsSync(`${record}.app`)).toBe(true);
      const loaded = readFileSync(record, 'utf8').trim().split('\n');
      expect(loaded).toHaveLength(1);
      expect(loaded[0]).toMatch(/node_modules\/@opentelemetry\/api\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);


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
