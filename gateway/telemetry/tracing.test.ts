import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { TEST_ADMIN_TOKEN, createTestDb } from '../../test/helpers';
import { startLegacy } from '../../test/global-setup';
import { send } from '../proxy/client.test-helper';
import type { CapturedSpan } from './span-capture.test-helper';

const root = path.resolve(import.meta.dirname, '../..');
const BANDS = 'GET /api/v1/admin/revenue-bands';
const HTTP = '@opentelemetry/instrumentation-http';
const UNDICI = '@opentelemetry/instrumentation-undici';
const PG = '@opentelemetry/instrumentation-pg';

interface LegacyLine {
  path?: string;
  request_id?: string;
  trace_id?: string | null;
  parent_span_id?: string | null;
}

let child: ChildProcess;
let fig: string;
let legacy: Awaited<ReturnType<typeof startLegacy>>;
const legacyLines: LegacyLine[] = [];

beforeAll(async () => {
  legacy = await startLegacy({
    onLogLine: (line) => {
      try {
        legacyLines.push(JSON.parse(line) as LegacyLine);
      } catch {
        /* uvicorn's own start-up lines */
      }
    },
  });
  // A real gateway process with tracing on and an in-memory exporter (see span-capture.test-helper.ts).
  child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'gateway/telemetry/span-capture.test-helper.ts')], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LEGACY_URL: legacy.url,
      DATABASE_URL: await createTestDb(),
      REDIS_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      TRUSTED_PROXIES: '127.0.0.1',
      // No reverse shadow: a module-served request's trace holds only what the request itself did.
      SHADOW_REVERSE_SAMPLE_RATE: '0',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`span capture gateway exited with ${code}`)));
  });
  fig = `http://127.0.0.1:${port}`;
}, 90_000);
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  }
  await legacy?.stop();
});

async function spans(): Promise<CapturedSpan[]> {
  child.send('spans');
  return new Promise((resolve) => child.once('message', (m) => resolve((m as { spans: CapturedSpan[] }).spans)));
}

/** Spans of one trace, and the chain of ancestors of a span within it (nearest first). */
async function traceOf(traceId: string): Promise<{ all: CapturedSpan[]; ancestors: (s: CapturedSpan) => CapturedSpan[] }> {
  const all = (await spans()).filter((s) => s.traceId === traceId);
  const byId = new Map(all.map((s) => [s.spanId, s]));
  return {
    all,
    ancestors: (s) => {
      const out: CapturedSpan[] = [];
      for (let p = byId.get(s.parentSpanId ?? ''); p; p = byId.get(p.parentSpanId ?? '')) out.push(p);
      return out;
    },
  };
}

async function until(ms: number, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}

describe('OpenTelemetry traces (gateway process with an in-memory exporter)', () => {
  it('follows a proxied request from the gateway span to the undici call to legacy, whose access line logs the trace id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await send(fig, {
      path: '/api/v1/_diag/echo?t=1',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'trace-proxy-1' },
    });
    expect(res.status).toBe(200);
    await until(2_000, () => legacyLines.some((l) => l.request_id === 'trace-proxy-1'));

    const { all, ancestors } = await traceOf(traceId);
    const servers = all.filter((s) => s.kind === SpanKind.SERVER && s.scope === HTTP);
    expect(servers).toHaveLength(1);
    const server = servers[0]!;
    // The client's span is the gateway span's parent: the trace is continued, not restarted.
    expect(server.parentSpanId).toBe('00f067aa0ba902b7');
    const calls = all.filter((s) => s.kind === SpanKind.CLIENT && s.scope === UNDICI);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.attributes['url.full']).toBe(`${legacy.url}/api/v1/_diag/echo?t=1`);
    expect(call.attributes['http.response.status_code']).toBe(200);
    expect(ancestors(call)).toContainEqual(server);

    // Legacy saw exactly one traceparent, naming the undici span as its parent, and logged it.
    const echo = JSON.parse(res.body.toString()) as { headers: [string, string][] };
    expect(echo.headers.filter(([k]) => k === 'traceparent').map(([, v]) => v)).toEqual([`00-${traceId}-${call.spanId}-01`]);
    const line = legacyLines.find((l) => l.request_id === 'trace-proxy-1');
    expect(line).toMatchObject({ path: '/api/v1/_diag/echo', trace_id: traceId, parent_span_id: call.spanId });
  });

  it('follows a module-served request from the gateway span to its Postgres queries', async () => {
    const flip = await send(fig, {
      method: 'PUT',
      path: `/_fig/routes/${encodeURIComponent(BANDS)}`,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'new', reason: 'trace the module', override: true }),
    });
    expect(flip.status).toBe(200);
    const traceId = 'a3ce929d0e0e47364bf92f3577b34da6';
    const before = legacyLines.length;
    const res = await send(fig, { path: '/api/v1/admin/revenue-bands', headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ version: 1 });

    const { all, ancestors } = await traceOf(traceId);
    const server = all.find((s) => s.kind === SpanKind.SERVER && s.scope === HTTP)!;
    expect(server).toBeDefined();
    const queries = all.filter((s) => s.scope === PG && s.name.startsWith('pg.query'));
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      expect(q.kind).toBe(SpanKind.CLIENT);
      expect(ancestors(q)).toContainEqual(server);
    }
    expect(queries.some((q) => /revenue_band/.test(String(q.attributes['db.statement'] ?? q.attributes['db.query.text'])))).toBe(true);
    // Served by the module: no call to legacy in this trace, and legacy logged nothing for it.
    expect(all.filter((s) => s.scope === UNDICI)).toEqual([]);
    expect(legacyLines.slice(before).filter((l) => l.trace_id === traceId)).toEqual([]);
  });

  it('starts a new trace for a request without traceparent and records no span for /metrics', async () => {
    const res = await send(fig, { path: '/api/v1/_diag/echo?t=2', headers: { 'x-request-id': 'trace-proxy-2' } });
    expect(res.status).toBe(200);
    expect((await send(fig, { path: '/metrics' })).status).toBe(200);
    await until(2_000, () => legacyLines.some((l) => l.request_id === 'trace-proxy-2'));
    const traceId = legacyLines.find((l) => l.request_id === 'trace-proxy-2')?.trace_id;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const { all } = await traceOf(traceId!);
    const server = all.find((s) => s.kind === SpanKind.SERVER && s.scope === HTTP);
    expect(server?.attributes['url.path']).toBe('/api/v1/_diag/echo');
    expect(server?.parentSpanId).toBeUndefined();
    const all2 = await spans();
    expect(all2.filter((s) => s.kind === SpanKind.SERVER && s.attributes['url.path'] === '/metrics')).toEqual([]);
  });
});
