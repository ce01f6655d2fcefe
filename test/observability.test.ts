import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parser as promql } from '@prometheus-io/lezer-promql';
import type { FastifyInstance } from 'fastify';
import { TEST_ADMIN_TOKEN, buildTestApp } from './helpers';

/**
 * The Prometheus rules and Grafana dashboards under infra/ against a real gateway's /metrics: every
 * expression parses as PromQL (Prometheus' own lezer grammar, @prometheus-io/lezer-promql: promtool
 * is not available here), every metric and label they use is one the gateway exports, and every
 * alert has its runbook.
 */
const root = path.resolve(import.meta.dirname, '..');
const rulesDir = path.join(root, 'infra/prometheus/rules');
const dashboardsDir = path.join(root, 'infra/grafana/dashboards');
const runbooksDir = path.join(root, 'docs/runbooks');

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: string; uid: string };
  targets: { refId: string; expr: string }[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}

const rules: Rule[] = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.yml'))
  .flatMap((f) => (parseYaml(readFileSync(path.join(rulesDir, f), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules));
const dashboards: Dashboard[] = readdirSync(dashboardsDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(dashboardsDir, f), 'utf8')) as Dashboard);
const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
const alerts = rules.filter((r) => r.alert);

/** Every PromQL expression in rules and dashboards, with where it comes from. */
const expressions: { where: string; expr: string }[] = [
  ...rules.map((r) => ({ where: r.record ?? r.alert!, expr: r.expr })),
  ...dashboards.flatMap((d) => d.panels.flatMap((p) => p.targets.map((t) => ({ where: `${d.uid} / ${p.title}`, expr: t.expr })))),
  ...dashboards.flatMap((d) =>
    d.templating.list.filter((v) => v.type === 'query').map((v) => ({ where: `${d.uid} / $${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query.query })),
  ),
];

/** Metric families on a scrape (by # TYPE) and the label names seen on each family's samples. */
function parseExposition(text: string): Map<string, { type: string; labels: Set<string> }> {
  const families = new Map<string, { type: string; labels: Set<string> }>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) families.set(type[1]!, { type: type[2]!, labels: new Set() });
  }
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!sample || line.startsWith('#')) continue;
    const name = sample[1]!;
    const family = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) family?.labels.add(m[1]!);
  }
  return families;
}

let app: FastifyInstance;
let families: Map<string, { type: string; labels: Set<string> }>;

beforeAll(async () => {
  ({ app } = await buildTestApp());
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };
  // Some traffic, so labelled series exist: a proxied legacy route, an unknown path, a flip and back.
  await (await fetch(`${base}/api/v1/admin/revenue-bands`)).arrayBuffer();
  await (await fetch(`${base}/api/v1/no-such-thing`)).arrayBuffer();
  // The gateway imports legacy's routes at start, but gives up quietly when legacy answers slowly
  // (a loaded machine); importing again is idempotent and makes the flip below independent of that.
  const imported = await fetch(`${base}/_fig/routes/import`, { method: 'POST', headers: auth, body: '{}' });
  expect(imported.status).toBe(200);
  const key = encodeURIComponent('GET /api/v1/admin/revenue-bands');
  for (const mode of ['shadow', 'legacy']) {
    const res = await fetch(`${base}/_fig/routes/${key}`, { method: 'PUT', headers: auth, body: JSON.stringify({ mode, reason: 'metrics test', override: true }) });
    expect(res.status).toBe(200);
  }
  const scrape = await fetch(`${base}/metrics`);
  expect(scrape.status).toBe(200);
  families = parseExposition(await scrape.text());
});
afterAll(() => app?.close());

/**
 * Where `expr` fails to parse as PromQL (a message with the offset), or undefined. Grafana's
 * variables are replaced first as Grafana would ($__rate_interval → a range, $var → a name inside
 * a label matcher's string stays as is); label_values(...) template queries are Grafana's, not PromQL.
 */
function promqlError(expr: string): string | undefined {
  const label = /^label_values\((.*)\)$/s.exec(expr.trim());
  if (label) expr = label[1]!.split(',')[0]!;
  const text = expr.replace(/\$__(rate_)?interval|\$__range/g, '5m').replace(/\$\{?(\w+)\}?/g, (m, name: string, at: number, all: string) =>
    /"[^"]*$/.test(all.slice(0, at)) ? m : `grafana_var_${name}`,
  );
  if (!text.trim()) return 'empty expression';
  let at: number | undefined;
  promql.parse(text).iterate({
    enter: (node) => {
      if (at === undefined && node.type.isError) at = node.from;
      return at === undefined;
    },
  });
  return at === undefined ? undefined : `PromQL syntax error at offset ${at}: …${text.slice(Math.max(0, at - 20), at + 20)}…`;
}

describe('PromQL check (the test of the test)', () => {
  it('accepts valid PromQL and reports broken expressions', () => {
    expect(promqlError('sum by (route_key) (rate(fig_http_requests_total{mode=~"$mode"}[$__rate_interval]))')).toBeUndefined();
    expect(promqlError('a > (2 * 0.01) and b > 0.5')).toBeUndefined();
    for (const bad of ['sum(rate(fig_x[5m])', 'fig_x{a="b"} fig_y', 'rate(fig_x[5m]) >', 'fig_x{a=b}', 'sum by le (fig_x)', ''])
      expect(promqlError(bad), bad).toMatch(/syntax error|empty/);
  });
});

describe('Prometheus rules and Grafana dashboards', () => {
  it('uses only metric names the gateway exports, or recording rules defined in infra/prometheus/rules', () => {
    const unknown: string[] = [];
    for (const { where, expr } of expressions) {
      for (const [name] of expr.matchAll(/\bfig[_:][a-zA-Z0-9_:]*/g)) {
        if (name.includes(':')) {
          if (!recorded.has(name)) unknown.push(`${where}: ${name} (no recording rule)`);
          continue;
        }
        const base = name.replace(/_(bucket|sum|count)$/, '');
        const family = families.get(name) ?? (families.get(base)?.type === 'histogram' ? families.get(base) : undefined);
        if (!family) unknown.push(`${where}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
    // Sanity of the check itself: the families it relies on are on the scrape.
    for (const f of ['fig_http_requests_total', 'fig_http_request_duration_seconds', 'fig_upstream_latency_seconds', 'fig_routes', 'fig_route_flips_total', 'fig_shadow_samples_total', 'fig_queue_jobs', 'fig_worker_heartbeat_age_seconds']) {
      expect(families.has(f), f).toBe(true);
    }
  });

  it('matches only on labels those metrics carry', () => {
    const wrong: string[] = [];
    for (const { where, expr } of expressions) {
      for (const m of expr.matchAll(/\b(fig_[a-zA-Z0-9_]+)\{([^}]*)\}/g)) {
        const name = m[1]!;
        const family = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
        if (!family || family.labels.size === 0) continue;
        const allowed = new Set([...family.labels, ...(name.endsWith('_bucket') ? ['le'] : [])]);
        for (const [, label] of m[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
          if (!allowed.has(label!)) wrong.push(`${where}: ${name}{${label}}`);
        }
      }
      for (const m of expr.matchAll(/label_values\((fig_[a-zA-Z0-9_]+),\s*([a-zA-Z_]+)\)/g)) {
        const family = families.get(m[1]!);
        if (family && family.labels.size > 0 && !family.labels.has(m[2]!)) wrong.push(`${where}: label_values ${m[1]} ${m[2]}`);
      }
    }
    expect(wrong).toEqual([]);
    // The objective's threshold is an exact bucket edge.
    expect(families.get('fig_http_request_duration_seconds')!.labels.has('le')).toBe(true);
  });

  it('has expressions that parse as PromQL, and well-formed rules', () => {
    for (const { where, expr } of expressions) {
      const problem = promqlError(expr);
      expect(problem, `${where}: ${expr}`).toBeUndefined();
    }
    for (const r of rules) {
      expect(Boolean(r.record) !== Boolean(r.alert), JSON.stringify(r)).toBe(true);
      expect(r.expr.trim()).not.toBe('');
      if (r.record) expect(r.record).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      if (r.for) expect(r.for).toMatch(/^\d+[smhd]$/);
    }
  });

  it('has the SLO burn-rate alerts for p95 < 300 ms and errors < 1 %', () => {
    const byName = new Map(alerts.map((a) => [a.alert!, a]));
    for (const name of ['FigErrorBudgetFastBurn', 'FigErrorBudgetSlowBurn']) expect(byName.get(name)?.expr).toMatch(/fig:http_errors:ratio_rate\w+ > \(\d+(\.\d+)? \* 0\.01\) and fig:http_errors:ratio_rate\w+ > /);
    for (const name of ['FigLatencyBudgetFastBurn', 'FigLatencyBudgetSlowBurn']) expect(byName.get(name)?.expr).toMatch(/fig:http_slow:ratio_rate\w+ > \(\d+(\.\d+)? \* 0\.05\) and /);
    const slow = rules.find((r) => r.record === 'fig:http_slow:ratio_rate5m');
    expect(slow?.expr).toContain('fig_http_request_duration_seconds_bucket{le="0.3"}');
  });

  it('gives every alert a severity, a summary and a runbook in docs/runbooks, and every runbook an alert', () => {
    const names = alerts.map((a) => a.alert!);
    expect(new Set(names).size).toBe(names.length);
    for (const a of alerts) {
      expect(['page', 'warning'], a.alert).toContain(a.labels?.severity);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.runbook_url).toBe(`docs/runbooks/${a.alert}.md`);
      expect(existsSync(path.join(root, a.annotations!.runbook_url!)), a.alert).toBe(true);
    }
    const books = readdirSync(runbooksDir).filter((f) => f !== 'README.md').map((f) => f.replace(/\.md$/, ''));
    expect(books.sort()).toEqual([...names].sort());
  });

  it('has dashboards with unique uids and panel ids, a Prometheus datasource variable and a query per panel', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(['fig-cutover', 'fig-queues', 'fig-routes', 'fig-shadow']);
    for (const d of dashboards) {
      expect(d.title).toMatch(/^fig — /);
      expect(d.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size, d.uid).toBe(ids.length);
      for (const p of d.panels) {
        expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(p.targets.length, `${d.uid} / ${p.title}`).toBeGreaterThan(0);
        expect(p.gridPos.x + p.gridPos.w, `${d.uid} / ${p.title}`).toBeLessThanOrEqual(24);
      }
    }
  });
});
