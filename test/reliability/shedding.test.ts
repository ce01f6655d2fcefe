import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { metricValue, sleep, startGateway, type ScenarioEnv } from '../../bench/reliability/lib/gateway';
import { startTestUpstream, type TestUpstream } from '../../gateway/proxy/test-upstream';
import { testScenarioEnv } from './env';

async function get(url: string) {
  const res = await request(url);
  const text = await res.body.text();
  return { status: res.statusCode, retryAfter: res.headers['retry-after'], contentType: String(res.headers['content-type']), body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text };
}

/** Poll `fn` until it holds (no time bound on a verdict: only a generous cap so a bug cannot hang the suite). */
async function eventually(fn: () => Promise<boolean>, what: string, detail?: () => Promise<string>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await fn()) return;
    await sleep(50);
  }
  throw new Error(`never happened: ${what}${detail ? ` (${await detail()})` : ''}`);
}

// The deterministic variants of burst-10x: each overload is made, not hoped for.
describe('reliability: shedding', () => {
  let env: ScenarioEnv;
  beforeAll(async () => {
    env = await testScenarioEnv();
  });

  describe('the legacy upstream queue', () => {
    let upstream: TestUpstream;
    let gw: Awaited<ReturnType<typeof startGateway>>;
    const held: http.ServerResponse[] = [];
    beforeAll(async () => {
      upstream = await startTestUpstream();
      // Legacy holds every request until the test lets go: 2 connections + 2 waiting fill the bound.
      upstream.handle((req, res) => {
        if (req.url?.startsWith('/api/v1/held/')) held.push(res);
        else res.end('{}');
      });
      gw = await startGateway({ ...env, legacyUrl: upstream.url }, { PROXY_CONNECTIONS: '2', PROXY_QUEUE_MAX: '2', LOAD_SHED_RETRY_AFTER_S: '4' });
    });
    afterAll(async () => {
      await gw?.close();
      await upstream?.stop();
    });

    it('answers 503 FIG_UPSTREAM_SATURATED with Retry-After at once past the pool and its queue, then serves again', async () => {
      const admitted = [1, 2, 3, 4].map((i) => get(`${gw.url}/api/v1/held/${i}`));
      await eventually(async () => held.length === 2 && (await metricValue(gw.app, 'fig_proxy_upstream_in_flight')) === 4, 'two requests at legacy and two waiting', async () => `held ${held.length}, in flight ${await metricValue(gw.app, 'fig_proxy_upstream_in_flight')}, seen ${upstream.seen.map((x) => x.url).join(' ')}`);
      // Answered while legacy still holds every admitted request: nothing waited for it.
      const refused = await Promise.all([get(`${gw.url}/api/v1/held/5`), get(`${gw.url}/api/v1/held/6`)]);
      expect(held.length).toBe(2);
      for (const r of refused) {
        expect(r.status).toBe(503);
        expect(r.retryAfter).toBe('4');
        expect(r.contentType).toContain('application/problem+json');
        expect(r.body).toMatchObject({ status: 503, code: 'FIG_UPSTREAM_SATURATED', title: 'Service Unavailable', type: 'https://fig.dev/problems/fig-upstream-saturated' });
        expect((r.body as { instance: string }).instance).toMatch(/^\/api\/v1\/held\/[56]$/);
      }
      expect(await metricValue(gw.app, 'fig_proxy_upstream_refused_total')).toBe(2);
      expect(upstream.seen.map((s) => s.url)).not.toContain('/api/v1/held/5');
      // Legacy answers: the queued two go through, and the bound frees up.
      upstream.handle((_req, res) => void res.end('ok'));
      const release = () => {
        for (const res of held.splice(0)) res.end('ok');
      };
      release();
      await eventually(async () => {
        release();
        return held.length === 0 && (await metricValue(gw.app, 'fig_proxy_upstream_in_flight')) === 0;
      }, 'every admitted request answered');
      expect((await Promise.all(admitted)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect((await get(`${gw.url}/api/v1/held/7`)).status).toBe(200);
    });
  });

  describe('event-loop utilisation', () => {
    let gw: Awaited<ReturnType<typeof startGateway>>;
    beforeAll(async () => {
      gw = await startGateway(env, { LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: '0.9', LOAD_SHED_SAMPLE_INTERVAL_MS: '100', LOAD_SHED_RETRY_AFTER_S: '3' });
    });
    afterAll(async () => {
      await gw?.close();
    });

    it('sheds with 503 FIG_OVERLOADED + Retry-After while the loop has no idle time, keeps /healthz, and recovers', async () => {
      // A calm loop first (start-up work may still count in the first sample).
      await eventually(async () => (await get(`${gw.url}/api/v1/invoices`)).status === 200, 'a calm loop');
      // Saturate the loop, made deterministic: back-to-back 20 ms busy slices keep it from ever
      // idling (utilisation ~1 whatever the machine's speed); requests are served between slices.
      let busy = true;
      const spin = () => {
        const until = performance.now() + 20;
        while (performance.now() < until) {
          /* busy */
        }
        if (busy) setImmediate(spin);
      };
      setImmediate(spin);
      let shed: Awaited<ReturnType<typeof get>> | undefined;
      let health: number | undefined;
      try {
        await eventually(async () => {
          const r = await get(`${gw.url}/api/v1/invoices`);
          if (r.status === 503) shed = r;
          return shed !== undefined;
        }, 'a shed request');
        health = (await get(`${gw.url}/healthz`)).status;
      } finally {
        busy = false;
      }
      expect(shed!.retryAfter).toBe('3');
      expect(shed!.body).toMatchObject({ status: 503, code: 'FIG_OVERLOADED', title: 'Service Unavailable', instance: '/api/v1/invoices' });
      expect(health).toBe(200);
      expect(await metricValue(gw.app, 'fig_load_shed_total', { reason: 'eventLoopUtilization' })).toBeGreaterThan(0);
      await eventually(async () => (await get(`${gw.url}/api/v1/invoices`)).status === 200, 'recovery once the loop idles again');
    });
  });
});
