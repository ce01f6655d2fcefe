import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { buildApp } from './app';
import { TEST_ADMIN_TOKEN, legacyUrl, testConfig } from '../test/helpers';
import { createUserWithRoles } from '../test/auth';

const ROOT = path.resolve(import.meta.dirname, '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const BANDS = 'GET /api/v1/admin/revenue-bands';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Each case starts CLI processes through tsx (a few seconds each on a busy 2-core machine): the
// bound is generous so a loaded CI run does not time out a passing case; the assertions are exact.
describe('fig CLI against a listening gateway', { timeout: 120_000 }, () => {
  let app: FastifyInstance;
  let env: Record<string, string>;

  const fig = (args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(TSX, ['gateway/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env, ...extraEnv }, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });

  beforeAll(async () => {
    const config = await testConfig();
    app = await buildApp(config, { logger: false });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    env = { FIG_URL: url, ADMIN_TOKEN: TEST_ADMIN_TOKEN, DATABASE_URL: config.DATABASE_URL, LEGACY_URL: legacyUrl(), LOG_LEVEL: 'silent' };
  });
  afterAll(() => app?.close());

  it('flips a route with a reason and records it with the admin-token actor', async () => {
    const set = await fig(['route', 'set', BANDS, 'new', '--reason', 'cli cutover', '--override']);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toBe(`${BANDS} is now new (version 2); every gateway follows within a second.\n`);
    expect(app.routeTable.modeFor(BANDS)).toBe('new');
    const res = await app.inject({ url: '/api/v1/admin/revenue-bands' });
    expect(res.headers.server).toBeUndefined();

    const list = await fig(['route', 'list', '--prefix', '/api/v1/admin']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^KEY\s+MODE\s+MODULE\s+REQ\/15m\s+ERR%\s+P50ms\s+P99ms$/m);
    expect(list.stdout).toMatch(new RegExp(`^GET /api/v1/admin/revenue-bands\\s+new\\s+bands\\s`, 'm'));

    const hist = await fig(['route', 'history', BANDS, '--json']);
    expect(hist.code).toBe(0);
    expect(JSON.parse(hist.stdout).data[0]).toMatchObject({ routeKey: BANDS, actor: 'admin-token', reason: 'cli cutover', before: { mode: 'legacy' }, after: { mode: 'new' } });

    const back = await fig(['route', 'set', BANDS, 'legacy', '--reason', 'cli rollback']);
    expect(back.code).toBe(0);
    expect(app.routeTable.modeFor(BANDS)).toBe('legacy');
  });

  it('flips a group with one reason, and prints each blocked route and its gate when the group is refused', async () => {
    const keys = app.routeTable.modules().find((m) => m.name === 'bands')!.serves;
    const shadow = await fig(['route', 'group', 'shadow', '--module', 'bands', '--reason', 'bands family to shadow']);
    expect(shadow).toMatchObject({ code: 0, stderr: '' });
    expect(shadow.stdout).toContain(`${keys.length} route(s) now shadow, 0 already were; every gateway follows within a second.`);
    for (const k of keys) expect(app.routeTable.modeFor(k)).toBe('shadow');

    const refused = await fig(['route', 'group', 'new', '--module', 'bands', '--reason', 'too early']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('409 Conflict (FIG_GROUP_GATE_FAILED)');
    expect(refused.stderr).toMatch(new RegExp(`^  - ${BANDS.replace(/[/{}]/g, '\\$&')}: blocked by shadow \\(samples 0, needs >= 50`, 'm'));
    for (const k of keys) expect(app.routeTable.modeFor(k)).toBe('shadow');

    const usage = await fig(['route', 'group', 'shadow', '--module', 'bands', '--prefix', '/api/v1/admin', '--reason', 'two selectors']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('route group needs exactly one of --prefix P (repeatable), --module NAME or --key');

    const back = await fig(['route', 'group', 'legacy', '--prefix', '/api/v1/admin/revenue-bands', '--reason', 'back to legacy']);
    expect(back.code).toBe(0);
    for (const k of keys) expect(app.routeTable.modeFor(k)).toBe('legacy');
  });

  it('prints the problem and exits 1 when the gateway refuses', async () => {
    const res = await fig(['route', 'set', 'GET /api/v1/projects', 'new', '--reason', 'too early']);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('409 Conflict (FIG_ROUTE_NOT_SERVABLE): No hosted module serves GET /api/v1/projects');
    const bad = await fig(['route', 'set', BANDS, 'new', '--reason', 'no']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('400 Bad Request (FIG_VALIDATION): 1 invalid field(s)\n  - body.reason: give a reason of at least 3 characters\n');
    const denied = await fig(['route', 'list'], { ADMIN_TOKEN: 'wrong-token-0123456789' });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toBe('401 Unauthorized: The gateway did not accept the admin token (ADMIN_TOKEN / .fig/admin-token). Use the ADMIN_TOKEN the gateway was started with.\n');
  });

  it('says no route matches a filter instead of suggesting an import', async () => {
    const none = await fig(['route', 'list', '--mode', 'canary']);
    expect(none).toEqual({ code: 0, stdout: 'No routes match --mode canary.\n', stderr: '' });
    const prefix = await fig(['route', 'list', '--prefix', '/nowhere', '--search', 'x y']);
    expect(prefix).toEqual({ code: 0, stdout: 'No routes match --search "x y" --prefix /nowhere.\n', stderr: '' });
  });

  it('refuses a canary without --percent 1-100, in the CLI and at the API', async () => {
    const bare = await fig(['route', 'set', BANDS, 'canary', '--reason', 'try it']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('route set KEY canary needs --percent 1-100 (the share of traffic the module answers), e.g. --percent 5\n');
    const zero = await fig(['route', 'set', BANDS, 'canary', '--percent', '0', '--reason', 'try it']);
    expect(zero.code).toBe(2);
    expect(app.routeTable.modeFor(BANDS)).toBe('legacy');

    const problem = (instance: string) => ({
      type: 'https://fig.dev/problems/fig-validation',
      title: 'Bad Request',
      status: 400,
      detail: '1 invalid field(s)',
      instance,
      request_id: 'canary-0',
      code: 'FIG_VALIDATION',
      errors: [{ path: 'body.canaryPercent', message: 'a canary needs canaryPercent between 1 and 100', code: 'custom' }],
    });
    const url = `/_fig/routes/${encodeURIComponent(BANDS)}`;
    const headers = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'x-request-id': 'canary-0' };
    const explicit = await app.inject({ method: 'PUT', url, headers, payload: { mode: 'canary', canaryPercent: 0, reason: 'zero', override: true } });
    expect(explicit.statusCode).toBe(400);
    expect(explicit.json()).toEqual(problem(url));
    // No percent and the route's stored percent is 0: the same refusal, from the route table.
    const implicit = await app.inject({ method: 'PUT', url, headers, payload: { mode: 'canary', reason: 'zero', override: true } });
    expect(implicit.statusCode).toBe(400);
    expect(implicit.json()).toEqual(problem(url));
    expect(app.routeTable.modeFor(BANDS)).toBe('legacy');
  });

  it('exits 2 on usage errors and 3 when the gateway is unreachable', async () => {
    const usage = await fig(['route', 'set', BANDS, 'sideways', '--reason', 'x']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('route set needs a mode: one of legacy, shadow, canary, new');
    const down = await fig(['route', 'list'], { FIG_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('Cannot reach the gateway at http://127.0.0.1:9');
  });

  it('imports routes, pulls the kill switch and syncs bands', async () => {
    const imp = await fig(['routes', 'import']);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toMatch(/^Imported: 0 added, \d+ updated, 0 removed, \d+ routes in the table \(modes kept\)\.\n$/);

    await fig(['route', 'set', BANDS, 'new', '--reason', 'before kill', '--override']);
    const kill = await fig(['kill-switch', '--reason', 'cli drill']);
    expect(kill.code).toBe(0);
    expect(kill.stdout).toBe(`Kill switch: 1 route(s) back to legacy:\n  ${BANDS}\n`);
    expect(app.routeTable.modeFor(BANDS)).toBe('legacy');

    const sync = await fig(['bands', 'sync']);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/^Band table version \d+ (added|updated) from http:\/\/127\.0\.0\.1:\d+ \(\d+ bands, updated .+\)\.\n$/);
  });

  it('grants and revokes a platform role with a reason, lists it, and refuses a tenant role', async () => {
    const user = await createUserWithRoles(app, { roles: ['hr'] });
    const grant = await fig(['platform', 'grant', user.email, 'ops', '--reason', 'cli on call']);
    expect(grant).toEqual({ code: 0, stdout: `${user.email} now holds the platform role ops; their current sessions refresh into it.\n`, stderr: '' });
    const list = await fig(['platform', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toContainEqual(expect.objectContaining({ email: user.email, role: 'ops', grantedBy: 'admin-token', reason: 'cli on call' }));
    const tenantRole = await fig(['platform', 'grant', user.email, 'admin', '--reason', 'promote']);
    expect(tenantRole).toEqual({ code: 1, stdout: '', stderr: "400 Bad Request (FIG_VALIDATION): 1 invalid field(s)\n  - body.role: admin is a tenant role: an organisation's admin grants it\n" });
    const noReason = await fig(['platform', 'revoke', user.email, 'ops']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('platform revoke needs --reason "why" (it is recorded)');
    const revoke = await fig(['platform', 'revoke', user.email, 'ops', '--reason', 'shift over']);
    expect(revoke).toEqual({ code: 0, stdout: `${user.email} no longer holds the platform role ops; their access tokens stopped working.\n`, stderr: '' });
    const history = await fig(['platform', 'history', '--json']);
    expect(JSON.parse(history.stdout).slice(0, 2)).toEqual([
      expect.objectContaining({ action: 'revoke', email: user.email, role: 'ops', actor: 'admin-token', reason: 'shift over' }),
      expect.objectContaining({ action: 'grant', email: user.email, role: 'ops', actor: 'admin-token', reason: 'cli on call' }),
    ]);
  });
  it('creates an organisation with its first admin invited, lists, suspends and reactivates it', async () => {
    const created = await fig(['tenant', 'create', '--name', 'Cli Org', '--admin', 'first@cli-org.test', '--json']);
    expect(created.code).toBe(0);
    const { organisation } = JSON.parse(created.stdout) as { organisation: { id: string; slug: string } };
    const list = await fig(['tenant', 'list', '--search', organisation.slug, '--json']);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: organisation.id, name: 'Cli Org', status: 'active' })]);
    expect((await fig(['tenant', 'suspend', organisation.slug])).stderr).toContain('tenant suspend needs --reason "why" (it is recorded)');
    expect(await fig(['tenant', 'suspend', organisation.slug, '--reason', 'trial ended'])).toEqual({ code: 0, stdout: 'Cli Org is now suspended.\n', stderr: '' });
    expect(await fig(['tenant', 'reactivate', organisation.id, '--reason', 'renewed'])).toEqual({ code: 0, stdout: 'Cli Org is now active.\n', stderr: '' });
  });
});
