import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors';
import { cursorOffset, page, PageQuery } from './pagination';
import { buildTestApp, TEST_ADMIN_TOKEN } from '../../test/helpers';
import { loginAs } from '../../test/auth';

const MESSAGE = 'is not a cursor from this list: pass nextCursor exactly as returned';
const cursorProblem = (instance: string) => ({
  type: 'https://fig.dev/problems/fig-validation',
  title: 'Bad Request',
  status: 400,
  detail: '1 invalid field(s)',
  instance,
  request_id: 'cursor-1',
  code: 'FIG_VALIDATION',
  errors: [{ path: 'querystring.cursor', message: MESSAGE, code: 'custom' }],
});

describe('cursors', () => {
  it('round-trips the cursor page() hands out', () => {
    const p = page([1, 2, 3], 10, 4, 3);
    expect(p).toMatchObject({ data: [1, 2, 3], total: 10, hasMore: true });
    expect(cursorOffset(p.nextCursor!)).toBe(7);
    expect(cursorOffset(undefined)).toBe(0);
    expect(PageQuery.parse({ cursor: p.nextCursor })).toEqual({ limit: 50, cursor: p.nextCursor });
  });

  it.each(['garbage', 'eyJvIjotMX0', 'eyJvIjoiMSJ9', 'bnVsbA', 'e30', 'a', '%%%'])('refuses the malformed cursor %s', (bad) => {
    expect(() => cursorOffset(bad)).toThrow(AppError);
    try {
      cursorOffset(bad);
    } catch (err) {
      expect(err).toMatchObject({ statusCode: 400, code: 'FIG_VALIDATION', errors: [{ path: 'querystring.cursor', message: MESSAGE }] });
    }
    expect(PageQuery.safeParse({ cursor: bad }).success).toBe(false);
  });
});

describe('list endpoints with a malformed cursor', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestApp());
  });
  afterAll(() => app.close());

  it.each(['/_fig/routes?cursor=garbage', '/_fig/route-changes?cursor=garbage'])('answers %s with a 400 on querystring.cursor', async (url) => {
    const res = await app.inject({ url, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'x-request-id': 'cursor-1' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(cursorProblem(url));
  });

  it('answers a PageQuery list (members) the same way, and still pages with a real cursor', async () => {
    const admin = await loginAs(app, { roles: ['admin'] });
    const url = `/api/v1/tenants/${admin.tenantId}/members?cursor=garbage`;
    const res = await app.inject({ url, headers: { ...admin.headers, 'x-request-id': 'cursor-1' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(cursorProblem(url));
    const first = await app.inject({ url: '/_fig/routes?limit=1', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const next = first.json().nextCursor as string;
    const second = await app.inject({ url: `/_fig/routes?limit=1&cursor=${next}`, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(second.statusCode).toBe(200);
    expect(second.json().data[0].key).not.toBe(first.json().data[0].key);
  });
});
