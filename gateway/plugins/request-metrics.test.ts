import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestCounter, RequestHistogram } from './request-metrics';

const BUCKETS = [0.001, 0.01, 0.1, 1];

describe('request metrics', () => {
  it('print exactly what prom-client prints for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const h1 = new RequestHistogram({ name: 'h', help: 'x', labelNames: ['route_key', 'mode'], buckets: BUCKETS, registers: [ours] });
    const h2 = new Histogram({ name: 'h', help: 'x', labelNames: ['route_key', 'mode'], buckets: BUCKETS, registers: [theirs] });
    const c1 = new RequestCounter({ name: 'c', help: 'y', labelNames: ['route_key', 'status_class'], registers: [ours] });
    const c2 = new Counter({ name: 'c', help: 'y', labelNames: ['route_key', 'status_class'], registers: [theirs] });
    const series = h1.labels({ route_key: 'GET /a', mode: 'legacy' });
    for (const v of [0.0005, 0.001, 0.002, 0.5, 3]) {
      series.observe(v);
      h2.observe({ route_key: 'GET /a', mode: 'legacy' }, v);
    }
    h1.observe({ route_key: 'GET /b', mode: 'new' }, 0.05);
    h2.observe({ route_key: 'GET /b', mode: 'new' }, 0.05);
    c1.labels({ route_key: 'GET /a', status_class: '2xx' }).inc();
    c1.labels({ route_key: 'GET /a', status_class: '2xx' }).inc();
    c1.labels({ route_key: 'GET /a', status_class: '5xx' }).inc();
    c2.inc({ route_key: 'GET /a', status_class: '2xx' });
    c2.inc({ route_key: 'GET /a', status_class: '2xx' });
    c2.inc({ route_key: 'GET /a', status_class: '5xx' });
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('resolves one label set to one series, and refuses a missing label', () => {
    const h = new RequestHistogram({ name: 'h', help: 'x', labelNames: ['route_key', 'status'], buckets: BUCKETS, registers: [] });
    expect(h.labels({ route_key: 'GET /a', status: 200 })).toBe(h.labels({ route_key: 'GET /a', status: 200 }));
    expect(h.labels({ route_key: 'GET /a', status: 200 })).not.toBe(h.labels({ route_key: 'GET /a', status: 404 }));
    expect(() => h.labels({ route_key: 'GET /a' } as never)).toThrow('label status missing');
  });
});
