/**
 * A hostile plan cannot freeze the gateway: evaluation runs in a worker thread with a deadline
 * and a cost budget, and legacy traffic through the same gateway keeps being answered meanwhile.
 * Real HTTP against a listening gateway and the real legacy service.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/helpers';
import { loginAs } from '../../test/auth';

const L = '3.14159265358979323846264338327950288419'; // 39 digits
const HOSTILE = Array.from({ length: 60 }, () => `${L} ^ 1000`).join(' + ');
const ROW_COST = 60 * 28_000 + 59 * 28;

let app: FastifyInstance;
let base: string;
let headers: Record<string, string>;
let tenantId: string;

const problem = (status: number, code: string, detail: string, instance: string, extra: Record<string, unknown> = {}) => ({
  type: `https://fig.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
  title: { 422: 'Unprocessable Content', 503: 'Service Unavailable' }[status],
  status,
  code,
  detail,
  instance,
  request_id: expect.any(String),
  ...extra,
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

type Send = (method: 'GET' | 'POST', path: string, body?: object) => Promise<{ status: number; body: Record<string, unknown> | undefined }>;

async function planWith(send: Send, tenant: string, expr: string): Promise<string> {
  const created = await send('POST', `/api/v1/tenants/${tenant}/bonus-plans`, { name: `Hostile ${Math.random()}`, inputs: [{ name: 'x' }] });
  expect(created.status).toBe(201);
  const id = created.body?.id as string;
  expect((await send('POST', `/api/v1/bonus-plans/${id}/steps`, { key: 'h', expr })).status).toBe(201);
  return id;
}

const rows = (n: number) => Array.from({ length: n }, () => ({ x: '1' }));

beforeAll(async () => {
  // A budget high enough that only the deadline can stop the hostile evaluation.
  ({ app } = await buildTestApp({ PLAN_EVAL_TIMEOUT_MS: '1000', PLAN_EVAL_BUDGET: '100000000000', PLAN_EVAL_WORKERS: '1' }));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const admin = await loginAs(app, { roles: ['admin'] });
  headers = admin.headers;
  tenantId = admin.tenantId;
});
afterAll(() => app?.close());

describe('plan evaluation off the event loop', () => {
  it('stops a hostile evaluation at its deadline while legacy requests through the gateway keep answering', async () => {
    const id = await planWith(call, tenantId, HOSTILE);
    // Two such steps (3.4M digit-operations per row, under the 5M limit): 1,000 rows take seconds.
    expect((await call('POST', `/api/v1/bonus-plans/${id}/steps`, { key: 'h2', expr: `h + ${HOSTILE}` })).status).toBe(201);
    // Warm the worker (started on first use) so the race below is between evaluating and proxying.
    expect((await call('POST', `/api/v1/bonus-plans/${id}/evaluate`, { rows: rows(1) })).status).toBe(200);

    const finished: string[] = [];
    const hostile = call('POST', `/api/v1/bonus-plans/${id}/evaluate`, { rows: rows(1000) }).then((r) => {
      finished.push('evaluate');
      return r;
    });
    // Let the evaluation reach the worker (plan loaded, task posted), well inside its 1 s deadline.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const legacy = await fetch(`${base}/api/v1/_diag/echo?during=evaluate`);
    finished.push('legacy');
    expect(legacy.status).toBe(200);
    expect(((await legacy.json()) as { url: string }).url).toBe('/api/v1/_diag/echo?during=evaluate');

    const res = await hostile;
    expect(finished).toEqual(['legacy', 'evaluate']);
    expect(res).toEqual({
      status: 422,
      body: problem(422, 'EVALUATION_TIMEOUT', 'The evaluation did not finish within 1000 ms and was stopped; evaluate fewer rows or simplify the plan', `/api/v1/bonus-plans/${id}/evaluate`, { timeoutMs: 1000 }),
    });
    // The terminated worker is replaced: the next evaluation answers.
    const after = await call('POST', `/api/v1/bonus-plans/${id}/evaluate`, { rows: rows(2) });
    expect(after.status).toBe(200);
    expect(after.body?.rows).toBe(2);
  });
});

describe('cost budget', () => {
  // The default budget (500,000,000 digit-operations).
  let strict: FastifyInstance;
  let who: { headers: Record<string, string>; tenantId: string };
  beforeAll(async () => {
    ({ app: strict } = await buildTestApp());
    who = await loginAs(strict, { roles: ['admin'] });
  });
  afterAll(() => strict?.close());
  const inject: Send = async (method, url, payload) => {
    const res = await strict.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };

  it('refuses an evaluation whose rows × worst-case row cost exceed the budget before evaluating', async () => {
    const id = await planWith(inject, who.tenantId, HOSTILE);
    const res = await inject('POST', `/api/v1/bonus-plans/${id}/evaluate`, { rows: rows(1000) });
    expect(res).toEqual({
      status: 422,
      body: problem(
        422,
        'EVALUATION_BUDGET_EXCEEDED',
        `1000 row(s) × ${ROW_COST} digit-operations per row exceed the evaluation budget of 500000000; send at most 297 row(s)`,
        `/api/v1/bonus-plans/${id}/evaluate`,
        { errors: [{ path: 'body.rows', message: 'at most 297 row(s) for this plan', code: 'too_expensive' }], rowCost: ROW_COST, budget: 500_000_000 },
      ),
    });
    expect((await inject('POST', `/api/v1/bonus-plans/${id}/evaluate`, { rows: rows(297) })).status).toBe(200);
  });

  it('refuses at validation a plan whose worst case per row is over the limit, naming the step', async () => {
    const id = await planWith(inject, who.tenantId, HOSTILE);
    expect((await inject('POST', `/api/v1/bonus-plans/${id}/steps`, { key: 'h2', expr: HOSTILE })).status).toBe(201);
    expect((await inject('POST', `/api/v1/bonus-plans/${id}/steps`, { key: 'h3', expr: HOSTILE })).status).toBe(201);
    const message = `the plan may cost more than 5000000 digit-operations per row by this step (this step: ${ROW_COST}; a ^ costs 28000, any other operation 28); split the work or use fewer powers`;
    const expected = { code: 'too_expensive', stepKey: 'h3', field: 'expr', line: null, column: null, message, excerpt: null };
    expect(await inject('POST', `/api/v1/bonus-plans/${id}/validate`)).toEqual({ status: 200, body: { valid: false, problems: [expected] } });
    expect(await inject('POST', `/api/v1/bonus-plans/${id}/evaluate`, { rows: rows(1) })).toEqual({
      status: 422,
      body: problem(422, 'PLAN_INVALID', `Bonus plan ${id} has 1 problem(s) and cannot be evaluated`, `/api/v1/bonus-plans/${id}/evaluate`, { problems: [expected] }),
    });
  });
});
