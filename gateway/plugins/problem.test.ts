import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildTestApp, TEST_ADMIN_TOKEN } from '../../test/helpers';
import { fieldErrors } from './field-errors';

/** The field errors fig reports for a value that fails `schema`, as the type provider hands them over. */
function errorsFor(schema: z.ZodType, value: unknown) {
  const issues = schema.safeParse(value).error!.issues;
  return fieldErrors(
    'body',
    issues.map(({ code, path, message, ...params }) => ({ keyword: code, instancePath: `/${path.join('/')}`, message, params })),
  );
}

describe('readable validation messages', () => {
  it('says a missing field is required and a wrong type what it must be', () => {
    const schema = z.object({ a: z.string(), n: z.coerce.number(), i: z.number().int(), o: z.object({}), u: z.union([z.string(), z.number()]), nul: z.number() });
    expect(errorsFor(schema, { n: 'abc', i: 1.5, o: [], nul: null })).toEqual([
      { path: 'body.a', message: 'is required', code: 'invalid_type' },
      { path: 'body.n', message: 'must be a number', code: 'invalid_type' },
      { path: 'body.i', message: 'must be a whole number', code: 'invalid_type' },
      { path: 'body.o', message: 'must be an object', code: 'invalid_type' },
      { path: 'body.u', message: 'is required', code: 'invalid_union' },
      { path: 'body.nul', message: 'must be a number, not null', code: 'invalid_type' },
    ]);
  });

  it('words bounds, options, formats and unknown fields, and keeps a schema\'s own message', () => {
    const schema = z
      .object({
        s: z.string().min(3),
        e: z.string().min(1),
        list: z.array(z.number()).max(2),
        n: z.number().gt(0),
        m: z.enum(['legacy', 'new']),
        id: z.uuid(),
        r: z.string().regex(/^a+$/),
        own: z.string().min(3, 'give a reason of at least 3 characters'),
      })
      .strict();
    expect(errorsFor(schema, { s: 'ab', e: '', list: [1, 2, 3], n: 0, m: 'x', id: 'x', r: 'b', own: 'x', extra: 1 })).toEqual([
      { path: 'body.s', message: 'must have at least 3 characters', code: 'too_small' },
      { path: 'body.e', message: 'must not be empty', code: 'too_small' },
      { path: 'body.list', message: 'must have at most 2 items', code: 'too_big' },
      { path: 'body.n', message: 'must be greater than 0', code: 'too_small' },
      { path: 'body.m', message: 'must be one of legacy, new', code: 'invalid_value' },
      { path: 'body.id', message: 'must be a UUID', code: 'invalid_format' },
      { path: 'body.r', message: 'must match the pattern /^a+$/', code: 'invalid_format' },
      { path: 'body.own', message: 'give a reason of at least 3 characters', code: 'too_small' },
      { path: 'body.extra', message: 'is not an accepted field', code: 'unrecognized_keys' },
    ]);
  });
});

describe('validation problems over HTTP', () => {
  let app: FastifyInstance;
  const headers = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'x-request-id': 'val-1' };
  beforeAll(async () => {
    ({ app } = await buildTestApp());
  });
  afterAll(() => app.close());

  it('lists every bad field of a body with readable messages', async () => {
    const url = `/_fig/routes/${encodeURIComponent('GET /api/v1/admin/revenue-bands')}`;
    const res = await app.inject({ method: 'PUT', url, headers, payload: { canaryPercent: 'ten', color: 'red' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      type: 'https://fig.dev/problems/fig-validation',
      title: 'Bad Request',
      status: 400,
      detail: '4 invalid field(s)',
      instance: url,
      request_id: 'val-1',
      code: 'FIG_VALIDATION',
      errors: [
        { path: 'body.mode', message: 'is required', code: 'invalid_value' },
        { path: 'body.canaryPercent', message: 'must be a number', code: 'invalid_type' },
        { path: 'body.reason', message: 'is required', code: 'invalid_type' },
        { path: 'body.color', message: 'is not an accepted field', code: 'unrecognized_keys' },
      ],
    });
  });

  it('says a query number that is not a number must be one (not "received NaN")', async () => {
    const res = await app.inject({ url: '/_fig/routes?limit=abc&mode=sideways', headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: 'querystring.mode', message: 'must be one of legacy, shadow, canary, new', code: 'invalid_value' },
      { path: 'querystring.limit', message: 'must be a number', code: 'invalid_type' },
    ]);
  });
});
