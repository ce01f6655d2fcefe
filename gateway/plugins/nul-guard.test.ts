import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp, TEST_ADMIN_TOKEN } from '../../test/helpers';
import { loginAs } from '../../test/auth';
import { modules } from '../modules';
import { nulPaths } from './nul-guard';

const NUL_ERROR = { message: 'must not contain a NUL character', code: 'nul_character' };

describe('NUL characters at the edge', () => {
  let app: FastifyInstance;
  let hr: Awaited<ReturnType<typeof loginAs>>;
  beforeAll(async () => {
    ({ app } = await buildTestApp(
      {},
      {
        modules: [
          ...modules,
          {
            name: 'db-failure',
            plugin: async (scope) => {
              // A database error nobody mapped: what a client sees must not name it.
              scope.get('/api/v1/test/db-failure', { config: { public: true } }, async () => {
                await sql`select 1 / 0`.execute(scope.db);
              });
            },
          },
        ],
      },
    ));
    hr = await loginAs(app, { roles: ['hr'] });
  });
  afterAll(() => app.close());

  it('refuses a NUL in a JSON body field with 400 and its path', async () => {
    const url = `/api/v1/tenants/${hr.tenantId}/bonus-plans`;
    const res = await app.inject({ method: 'POST', url, headers: { ...hr.headers, 'x-request-id': 'nul-body' }, payload: { name: 'a\u0000b', description: 'ok' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toEqual({
      type: 'https://fig.dev/problems/fig-validation',
      title: 'Bad Request',
      status: 400,
      detail: '1 invalid field(s)',
      instance: url,
      request_id: 'nul-body',
      code: 'FIG_VALIDATION',
      errors: [{ path: 'body.name', ...NUL_ERROR }],
    });
  });

  it('refuses a NUL in a query parameter', async () => {
    const url = `/api/v1/tenants/${hr.tenantId}/bonus-plans?limit=5&cursor=x%00y`;
    const res = await app.inject({ url, headers: { ...hr.headers, 'x-request-id': 'nul-query' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      type: 'https://fig.dev/problems/fig-validation',
      title: 'Bad Request',
      status: 400,
      detail: '1 invalid field(s)',
      instance: url,
      request_id: 'nul-query',
      code: 'FIG_VALIDATION',
      errors: [{ path: 'querystring.cursor', ...NUL_ERROR }],
    });
  });

  it('refuses a NUL in a path parameter', async () => {
    const url = '/_fig/routes/GET%20%2Fapi%2Fv1%2Fx%00';
    const res = await app.inject({ url, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'x-request-id': 'nul-param' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      type: 'https://fig.dev/problems/fig-validation',
      title: 'Bad Request',
      status: 400,
      detail: '1 invalid field(s)',
      instance: url,
      request_id: 'nul-param',
      code: 'FIG_VALIDATION',
      errors: [{ path: 'params.key', ...NUL_ERROR }],
    });
  });

  it('finds NULs in nested values and keys', () => {
    expect(nulPaths('body', { a: [{ b: 'ok' }, { c: 'x\u0000' }], 'k\u0000': 1, d: { e: ['\u0000'] } })).toEqual(['body.a[1].c', 'body.k\\0', 'body.d.e[0]']);
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nulPaths('body', deep)).toHaveLength(1);
  });

  it('answers an unmapped database error as a generic 500, never with the SQLSTATE', async () => {
    const res = await app.inject({ url: '/api/v1/test/db-failure', headers: { 'x-request-id': 'db-500' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      type: 'https://fig.dev/problems/fig-internal',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred',
      instance: '/api/v1/test/db-failure',
      request_id: 'db-500',
      code: 'FIG_INTERNAL',
    });
  });
});
