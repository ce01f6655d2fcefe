import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { TEST_ADMIN_TOKEN, buildTestApp, legacyUrl } from '../../test/helpers';
import type { FigModule, ModuleRequest, ModuleResponse } from '../../modules/core/module';
import { replayToLegacy } from './legacy-replay';

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const enc = encodeURIComponent;
const LIST = 'GET /api/v1/customers';
const CREATE = 'POST /api/v1/customers';
const ECHO = 'GET /api/v1/_diag/echo';

type Behaviour = 'match' | 'never' | 'throw' | 'huge';

/** A module whose behaviour the tests switch; it records every call. */
function testModule(state: { behaviour: Behaviour; events: string[]; calls: ModuleRequest[] }): FigModule {
  const proxyLegacy = async (req: ModuleRequest): Promise<ModuleResponse> => {
    const res = await fetch(new URL(req.url, legacyUrl()));
    return { status: res.status, headers: { 'content-type': 'application/json' }, body: await res.json() };
  };
  return {
    name: 'shadow-test',
    serves: {
      [LIST]: async (req) => {
        state.events.push(`module-called:${req.requestId}`);
        state.calls.push(req);
        switch (state.behaviour) {
          case 'never':
            return new Promise<ModuleResponse>(() => undefined);
          case 'throw':
            throw new Error('boom');
          case 'huge':
            return { status: 200, body: { items: Array.from({ length: 200_000 }, (_, i) => ({ id: i, name: 'x'.repeat(20) })) } };
          default:
            return proxyLegacy(req);
        }
      },
      [CREATE]: async (req) => {
        state.calls.push(req);
        const body = JSON.parse(req.body?.toString() ?? '{}') as { name?: string; email?: string };
        return { status: 201, headers: { 'content-type': 'application/json' }, body: { id: 0, name: body.name, email: body.email, created_at: 'later' } };
      },
      // A second legacy call for the same request: differs from legacy only where legacy differs from itself.
      [ECHO]: async (req, _ctx) => replayAsModule(req),
    },
  };
}

async function replayAsModule(req: ModuleRequest): Promise<ModuleResponse> {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && k !== 'x-fig-shadow') headers[k] = v;
  const res = await replayToLegacy(legacyUrl(), { method: req.method, url: req.url, headers, body: req.body }, { cap: 1 << 20, timeoutMs: 5000 });
  return { status: res.status, headers: { 'content-type': 'application/json' }, body: res.body };
}

describe('HTTP shadow mode', () => {
  let app: FastifyInstance;
  const state = { behaviour: 'match' as Behaviour, events: [] as string[], calls: [] as ModuleRequest[] };

  const flip = (key: string, body: Record<string, unknown>) => app.inject({ method: 'PUT', url: `/_fig/routes/${enc(key)}`, headers: auth, payload: body });
  const settings = (key: string, body: Record<string, unknown>) =>
    app.inject({ method: 'PUT', url: `/_fig/routes/${enc(key)}/settings`, headers: auth, payload: { reason: 'test settings', ...body } });
  const samples = (key: string) => app.db.selectFrom('shadow.samples').selectAll().where('route_key', '=', key).orderBy('id').execute();

  beforeAll(async () => {
    ({ app } = await buildTestApp(
      // SHADOW_REVERSE_SAMPLE_RATE 0: mode new replays no read by default, deterministically.
      { SHADOW_TIMEOUT_MS: '300', SHADOW_NOISE_SAMPLE_RATE: '0', SHADOW_BODY_CAP_BYTES: '1048576', AUTOROLLBACK_ENABLED: 'false', SHADOW_REVERSE_SAMPLE_RATE: '0' },
      { modules: [testModule(state)] },
    ));
    app.shadow.on('enqueued', ({ requestId }) => state.events.push(`enqueued:${requestId}`));
    for (const key of [LIST, CREATE, ECHO]) expect((await flip(key, { mode: 'shadow', reason: 'shadow test' })).statusCode).toBe(200);
  });
  afterAll(() => app?.close());

  for (const behaviour of ['never', 'throw', 'huge'] as const) {
    it(`answers exactly like legacy and only then runs the module, when the module ${behaviour === 'never' ? 'never answers' : behaviour === 'throw' ? 'throws' : 'answers a huge body'}`, async () => {
      state.behaviour = behaviour;
      const direct = await fetch(`${legacyUrl()}/api/v1/customers?limit=3`);
      const directBody = await direct.text();
      const res = await app.inject({ url: '/api/v1/customers?limit=3' });
      expect(res.statusCode).toBe(direct.status);
      expect(res.body).toBe(directBody);
      expect(res.headers['content-type']).toBe(direct.headers.get('content-type'));
      expect(res.headers.server).toBe('uvicorn');
      const rid = String(res.headers['x-request-id']);
      await app.shadow.drain();
      // The copy was handed over after the response finished, and the module ran after that.
      const mine = state.events.filter((e) => e.endsWith(`:${rid}`));
      expect(mine).toEqual([`enqueued:${rid}`, `module-called:${rid}`]);
      const [row] = (await samples(LIST)).filter((s) => s.request_id === rid);
      const expected = { never: { outcome: 'error', skip_reason: 'timeout' }, throw: { outcome: 'error', skip_reason: 'threw: boom' }, huge: { outcome: 'skipped', skip_reason: 'response_over_cap' } }[behaviour];
      expect(row).toMatchObject({ primary_side: 'legacy', ...expected });
    });
  }

  it('records a match with both latencies when the module answers like legacy', async () => {
    state.behaviour = 'match';
    const res = await app.inject({ url: '/api/v1/customers?limit=2' });
    expect(res.statusCode).toBe(200);
    await app.shadow.drain();
    const row = (await samples(LIST)).find((s) => s.request_id === res.headers['x-request-id']);
    expect(row).toMatchObject({ outcome: 'match', legacy_status: 200, new_status: 200, failing: 0, diff_paths: [] });
    expect(row!.legacy_ms).toBeGreaterThan(0);
    expect(row!.new_ms).toBeGreaterThan(0);
  });

  it('never replays a write under write policy skip: counted skipped, the module is not called', async () => {
    const before = state.calls.length;
    const res = await app.inject({ method: 'POST', url: '/api/v1/customers', payload: { name: 'Skip Ltd', email: 'skip@x.test' } });
    expect(res.statusCode).toBe(201);
    await app.shadow.drain();
    expect(state.calls.length).toBe(before);
    const row = (await samples(CREATE)).find((s) => s.request_id === res.headers['x-request-id']);
    expect(row).toMatchObject({ outcome: 'skipped', skip_reason: 'write_policy_skip' });
  });

  it('runs a write as a dry run under write policy dry-run, diffs it and stores the mismatch redacted', async () => {
    expect((await settings(CREATE, { writePolicy: 'dry-run', normalise: { sensitive: ['email'] } })).statusCode).toBe(200);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: { authorization: 'Bearer very-secret', cookie: 'legacy_session=abc', 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Dry Ltd', email: 'dry@x.test', password: 'hunter2' }),
    });
    expect(res.statusCode).toBe(201);
    await app.shadow.drain();
    const call = state.calls[state.calls.length - 1]!;
    expect(call.dryRun).toBe(true);
    const row = (await samples(CREATE)).find((s) => s.request_id === res.headers['x-request-id']);
    expect(row).toMatchObject({ outcome: 'mismatch', legacy_status: 201, new_status: 201 });
    expect(row!.diff_paths.sort()).toEqual(['$.created_at', '$.id']);

    const corpus = await app.inject({ url: `/_fig/routes/${enc(CREATE)}/mismatches?limit=1`, headers: auth });
    expect(corpus.statusCode).toBe(200);
    const [m] = corpus.json().data;
    expect(m.request).toMatchObject({ method: 'POST', url: '/api/v1/customers', body: { name: 'Dry Ltd', email: '[redacted]', password: '[redacted]' } });
    expect(m.request.headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]' });
    expect(m.legacy).toMatchObject({ status: 201, body: { name: 'Dry Ltd', email: '[redacted]' } });
    expect(m.candidate).toMatchObject({ status: 201, body: { id: 0, name: 'Dry Ltd', email: '[redacted]', created_at: 'later' } });
    expect(m.diff.differences.map((d: { path: string }) => d.path).sort()).toEqual(['$.created_at', '$.id']);
    expect(JSON.stringify(corpus.json())).not.toMatch(/hunter2|very-secret|dry@x\.test/);
  });

  it('counts a request body above SHADOW_BODY_CAP_BYTES as skipped body_over_cap, and legacy still gets all of it', async () => {
    const { app: capped } = await buildTestApp({ SHADOW_BODY_CAP_BYTES: '64', AUTOROLLBACK_ENABLED: 'false' }, { modules: [testModule(state)] });
    try {
      await capped.inject({ method: 'PUT', url: `/_fig/routes/${enc(CREATE)}`, headers: auth, payload: { mode: 'shadow', reason: 'cap test' } });
      await capped.inject({ method: 'PUT', url: `/_fig/routes/${enc(CREATE)}/settings`, headers: auth, payload: { writePolicy: 'dry-run', reason: 'cap test' } });
      const calls = state.calls.length;
      const name = `Big ${'y'.repeat(60)}`;
      const res = await capped.inject({ method: 'POST', url: '/api/v1/customers', payload: { name, email: 'big@x.test' } });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ name });
      await capped.shadow.drain();
      expect(state.calls.length).toBe(calls);
      const stats = await capped.inject({ url: `/_fig/routes/${enc(CREATE)}/shadow?window=1h`, headers: auth });
      expect(stats.json().totals).toMatchObject({ samples: 0, skipped: 1, skippedByReason: { body_over_cap: 1 } });
    } finally {
      await capped.close();
    }
  });

  it('counts samples beyond SHADOW_QUEUE_MAX as skipped queue_full', async () => {
    const slow = { behaviour: 'never' as Behaviour, events: [] as string[], calls: [] as ModuleRequest[] };
    const { app: small } = await buildTestApp({ SHADOW_QUEUE_MAX: '1', SHADOW_CONCURRENCY: '1', SHADOW_TIMEOUT_MS: '300', AUTOROLLBACK_ENABLED: 'false' }, { modules: [testModule(slow)] });
    try {
      await small.inject({ method: 'PUT', url: `/_fig/routes/${enc(LIST)}`, headers: auth, payload: { mode: 'shadow', reason: 'queue test' } });
      const answers = await Promise.all(Array.from({ length: 6 }, () => small.inject({ url: '/api/v1/customers?limit=1' })));
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
      await small.shadow.drain();
      const stats = (await small.inject({ url: `/_fig/routes/${enc(LIST)}/shadow?window=1h`, headers: auth })).json();
      expect(stats.totals.skippedByReason.queue_full).toBeGreaterThanOrEqual(1);
      expect(stats.totals.skipped + stats.totals.samples).toBe(6);
    } finally {
      await small.close();
    }
  });

  it('learns legacy-vs-legacy noise and stops counting those paths as mismatches', async () => {
    const first = await app.inject({ url: '/api/v1/_diag/echo?n=1' });
    expect(first.statusCode).toBe(200);
    await app.shadow.drain();
    // Without a baseline, the per-call differences (trace ids, forwarded headers) are mismatches.
    expect((await samples(ECHO)).map((s) => s.outcome)).toEqual(['mismatch']);

    expect((await settings(ECHO, { normalise: { noiseSampleRate: 1 } })).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) await app.inject({ url: `/api/v1/_diag/echo?n=${i + 2}` });
    await app.shadow.drain();
    expect((await samples(ECHO)).map((s) => s.outcome)).toEqual(['mismatch', 'noise', 'noise', 'noise']);
    const stats = (await app.inject({ url: `/_fig/routes/${enc(ECHO)}/shadow?window=15m`, headers: auth })).json();
    expect(stats.totals).toMatchObject({ samples: 4, matches: 0, noise: 3, mismatches: 1, matchRate: 0.75 });
    expect(stats.noisePaths.map((p: { path: string }) => p.path)).toContain('$.headers[*][*]');
  });

  it('serves windowed stats per route and minute, and a paginated corpus', async () => {
    const res = await app.inject({ url: `/_fig/routes/${enc(LIST)}/shadow?window=15m`, headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ routeKey: LIST, mode: 'shadow', writePolicy: 'skip', window: '15m', windowSeconds: 900 });
    expect(body.totals).toMatchObject({ samples: 3, matches: 1, mismatches: 0, errors: 2, skipped: 1, skippedByReason: { response_over_cap: 1 } });
    expect(body.totals.legacy.p99Ms).toBeGreaterThan(0);
    expect(body.minutes.reduce((n: number, m: { samples: number }) => n + m.samples, 0)).toBe(3);
    const bad = await app.inject({ url: `/_fig/routes/${enc(LIST)}/shadow?window=forever`, headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'FIG_BAD_REQUEST', errors: [{ path: 'querystring.window', message: 'expected <number><s|m|h|d>' }] });
    const page1 = (await app.inject({ url: `/_fig/routes/${enc(ECHO)}/mismatches?limit=1`, headers: auth })).json();
    expect(page1).toMatchObject({ total: 1, hasMore: false, nextCursor: null });
    const none = await app.inject({ url: `/_fig/routes/${enc(LIST)}/mismatches` });
    expect(none.statusCode).toBe(401);
  });

  it("replays mode new's reads to legacy at SHADOW_REVERSE_SAMPLE_RATE by default, at the route's reverseSampleRate when set, never above its sampleRate", async () => {
    state.behaviour = 'match';
    expect((await flip(LIST, { mode: 'new', reason: 'reverse sampling test', override: true })).statusCode).toBe(200);
    const replayed = async (): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await app.inject({ url: '/api/v1/customers?limit=1' });
        expect(res.statusCode).toBe(200);
        ids.push(String(res.headers['x-request-id']));
      }
      await app.shadow.drain();
      return (await samples(LIST)).filter((s) => ids.includes(s.request_id ?? '')).map((s) => s.outcome);
    };
    try {
      // Default rules, SHADOW_REVERSE_SAMPLE_RATE 0 (this app): the module answers, nothing is replayed.
      expect((await settings(LIST, { normalise: {} })).statusCode).toBe(200);
      expect(await replayed()).toEqual([]);
      // The route opts in to replaying every read.
      expect((await settings(LIST, { normalise: { reverseSampleRate: 1 } })).statusCode).toBe(200);
      expect(await replayed()).toEqual(['match', 'match', 'match', 'match', 'match']);
      // sampleRate alone no longer turns the reverse shadow up in mode new (it caps the default).
      expect((await settings(LIST, { normalise: { sampleRate: 1 } })).statusCode).toBe(200);
      expect(await replayed()).toEqual([]);
    } finally {
      await settings(LIST, { normalise: {} });
      await flip(LIST, { mode: 'shadow', reason: 'back to shadow' });
    }
  });

});

