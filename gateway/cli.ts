/**
 * fig's operator CLI: `npm run fig -- <command>`. Talks HTTP to the gateway at FIG_URL with
 * ADMIN_TOKEN (env, else .fig/admin-token written by `npm start`); `bands sync` talks to the
 * database and the legacy service directly.
 *
 * Exit codes: 0 done · 1 the gateway refused (problem printed) · 2 usage error · 3 gateway unreachable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config';

const USAGE = `Usage: npm run fig -- <command>

  route list [--mode M] [--search S] [--prefix P] [--json]   list route keys with mode and recent traffic
  route get "<KEY>" [--json]                                  one route
  route set "<KEY>" <legacy|shadow|canary|new> --reason "..." [--percent N] [--override]
  route group <legacy|shadow|canary|new> (--prefix P [--prefix P2...] | --module M | --key "<KEY>" [--key ...])
        --reason "..." [--percent N] [--override]                 flip a group at once: all or nothing, gates checked for every route
  route history ["<KEY>"] [--limit N] [--json]                flips, newest first
  routes import [--file openapi.json]                         import route keys from legacy's /openapi.json (or a file)
  kill-switch --reason "..."                                  every route back to legacy, now
  modules                                                     hosted modules and the keys they serve
  bands sync                                                  copy legacy's current revenue band table into fig
  platform grant <EMAIL> <ROLE> --reason "..."                give an existing user a platform role (ops), recorded
  platform revoke <EMAIL> <ROLE> --reason "..."               take it back, recorded; their tokens stop working
  platform list [--json]                                      who holds a platform role
  platform history [--limit N] [--json]                       platform role grants and revokes, newest first
  tenant create --name "..." --admin <EMAIL> [--json]          new organisation; its first admin is invited by mail
  tenant list [--search S] [--json]                           every organisation with its status
  tenant suspend|reactivate <ID|SLUG> --reason "..."          refuse / allow the organisation's users again (audited)
  backup [--out DIR]                                          pg_dump of fig's database + stored files + manifest (default .fig/backups/<time>)
  restore --from DIR [--database-url URL] [--storage-dir D]   into a new or empty database, then verify audit chains and run hashes

A KEY is "METHOD /path/template", e.g. "GET /api/v1/admin/revenue-bands".
Platform roles (ops) are never granted inside an organisation: only here or by a platform operator.
A canary needs --percent 1-100 (the share of traffic the module answers).
Environment: FIG_URL (default http://127.0.0.1:$PORT, PORT default 8080), ADMIN_TOKEN (default: .fig/admin-token).`;

class UsageError extends Error {}
class ApiError extends Error {
  constructor(
    message: string,
    public readonly exitCode: number,
  ) {
    super(message);
  }
}

interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  code?: string;
  errors?: { path: string; message: string }[];
  /** FIG_GROUP_GATE_FAILED: each blocked route and the gates that block it. */
  blocked?: { routeKey: string; blockedBy: string[]; checks: { name: string; passed: boolean; actual: unknown; required: string }[] }[];
  /** FIG_GATE_FAILED: the gates that block. */
  blockedBy?: string[];
}

function adminToken(config: Config): string | undefined {
  if (config.ADMIN_TOKEN) return config.ADMIN_TOKEN;
  const file = '.fig/admin-token';
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

/** One call to the ops API; a problem answer becomes an ApiError with a readable message. */
async function api<T>(config: Config, method: string, path: string, body?: unknown): Promise<T> {
  const token = adminToken(config);
  let res: Response;
  try {
    res = await fetch(new URL(path, config.FIG_URL), {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new ApiError(`Cannot reach the gateway at ${config.FIG_URL} (${cause}). Is it running? Set FIG_URL to point elsewhere.`, 3);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const p = (parsed ?? {}) as Problem;
    if (res.status === 401 && token)
      throw new ApiError('401 Unauthorized: The gateway did not accept the admin token (ADMIN_TOKEN / .fig/admin-token). Use the ADMIN_TOKEN the gateway was started with.', 1);
    const lines = [`${res.status} ${p.title ?? res.statusText}${p.code ? ` (${p.code})` : ''}: ${p.detail ?? text.slice(0, 500)}`];
    for (const e of p.errors ?? []) lines.push(`  - ${e.path}: ${e.message}`);
    for (const b of p.blocked ?? [])
      lines.push(`  - ${b.routeKey}: blocked by ${b.blockedBy.join(' + ')} (${b.checks.filter((c) => !c.passed).map((c) => `${c.name} ${String(c.actual ?? 'none')}, needs ${c.required}`).join('; ')})`);
    if (res.status === 401 && !token) lines.push('No admin token: set ADMIN_TOKEN or run `npm start` once (it writes .fig/admin-token).');
    throw new ApiError(lines.join('\n'), 1);
  }
  return parsed as T;
}

interface RouteOut {
  key: string;
  mode: string;
  canaryPercent: number;
  module: string | null;
  servable: boolean;
  summary: string | null;
  version: number;
  updatedAt: string;
  stats: { requests: number; errors: number; errorRate: number; p50Ms: number | null; p99Ms: number | null };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const fmtMs = (v: number | null) => (v === null ? '-' : `${v}`);

function printRoutes(routes: RouteOut[]): void {
  console.log(
    table([
      ['KEY', 'MODE', 'MODULE', 'REQ/15m', 'ERR%', 'P50ms', 'P99ms'],
      ...routes.map((r) => [
        r.key,
        r.mode === 'canary' ? `canary ${r.canaryPercent}%` : r.mode,
        r.module ?? '-',
        String(r.stats.requests),
        (r.stats.errorRate * 100).toFixed(1),
        fmtMs(r.stats.p50Ms),
        fmtMs(r.stats.p99Ms),
      ]),
    ]),
  );
}

const MODES = ['legacy', 'shadow', 'canary', 'new'];

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      reason: { type: 'string' },
      percent: { type: 'string' },
      override: { type: 'boolean' },
      mode: { type: 'string' },
      search: { type: 'string' },
      prefix: { type: 'string', multiple: true },
      module: { type: 'string' },
      key: { type: 'string', multiple: true },
      limit: { type: 'string' },
      file: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      out: { type: 'string' },
      from: { type: 'string' },
      'database-url': { type: 'string' },
      'storage-dir': { type: 'string' },
    },
  });
  const [cmd, sub, ...rest] = positionals;
  if (values.help || !cmd) {
    console.log(USAGE);
    if (!cmd && !values.help) process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const out = (v: unknown) => console.log(JSON.stringify(v, null, 2));

  if (cmd === 'backup' || cmd === 'restore') {
    const { backupCommand } = await import('./backup-command');
    const result = await backupCommand(cmd, config, values);
    for (const line of result.lines) (result.code === 0 ? console.log : console.error)(line);
    process.exitCode = result.code;
    return;
  }

  if ((cmd === 'route' || cmd === 'routes') && (sub === 'list' || sub === undefined)) {
    const q = new URLSearchParams({ limit: '500' });
    if (values.mode) q.set('mode', values.mode);
    if (values.search) q.set('search', values.search);
    if (values.prefix?.[0]) q.set('prefix', values.prefix[0]);
    const all: RouteOut[] = [];
    for (let cursor: string | null = null; ; ) {
      if (cursor) q.set('cursor', cursor);
      const pageOut: { data: RouteOut[]; nextCursor: string | null } = await api(config, 'GET', `/_fig/routes?${q}`);
      all.push(...pageOut.data);
      cursor = pageOut.nextCursor;
      if (!cursor) break;
    }
    if (values.json) out(all);
    else if (all.length === 0 && (values.mode || values.search || values.prefix))
      console.log(`No routes match${values.mode ? ` --mode ${values.mode}` : ''}${values.search ? ` --search ${JSON.stringify(values.search)}` : ''}${values.prefix ? ` --prefix ${values.prefix[0]}` : ''}.`);
    else if (all.length === 0) console.log('No routes. Import them with: npm run fig -- routes import');
    else printRoutes(all);
    return;
  }
  if (cmd === 'route' && sub === 'get') {
    const key = requireKey(rest[0]);
    const r = await api<RouteOut>(config, 'GET', `/_fig/routes/${encodeURIComponent(key)}`);
    if (values.json) out(r);
    else printRoutes([r]);
    return;
  }
  if (cmd === 'route' && sub === 'set') {
    const key = requireKey(rest[0]);
    const mode = rest[1];
    if (!mode || !MODES.includes(mode)) throw new UsageError(`route set needs a mode: one of ${MODES.join(', ')}`);
    if (!values.reason) throw new UsageError('route set needs --reason "why" (it is recorded in the route history)');
    const body: Record<string, unknown> = { mode, reason: values.reason };
    if (values.percent !== undefined) {
      const n = Number(values.percent);
      if (!Number.isInteger(n) || n < 0 || n > 100) throw new UsageError('--percent must be a whole number 0-100');
      body.canaryPercent = n;
    }
    if (mode === 'canary' && !(Number(body.canaryPercent) >= 1))
      throw new UsageError('route set KEY canary needs --percent 1-100 (the share of traffic the module answers), e.g. --percent 5');
    if (values.override) body.override = true;
    const r = await api<RouteOut>(config, 'PUT', `/_fig/routes/${encodeURIComponent(key)}`, body);
    if (values.json) out(r);
    else console.log(`${r.key} is now ${r.mode}${r.mode === 'canary' ? ` ${r.canaryPercent}%` : ''} (version ${r.version}); every gateway follows within a second.`);
    return;
  }
  if (cmd === 'route' && sub === 'group') {
    const mode = rest[0];
    if (!mode || !MODES.includes(mode)) throw new UsageError(`route group needs a mode: one of ${MODES.join(', ')}`);
    const selectors = [values.prefix?.length ? 1 : 0, values.module ? 1 : 0, values.key?.length ? 1 : 0].reduce((x, y) => x + y, 0);
    if (selectors !== 1) throw new UsageError('route group needs exactly one of --prefix P (repeatable), --module NAME or --key "<KEY>" (repeatable)');
    if (!values.reason) throw new UsageError('route group needs --reason "why" (it is recorded in the history of every route of the group)');
    const body: Record<string, unknown> = { mode, reason: values.reason };
    if (values.prefix?.length) body.prefix = values.prefix.length === 1 ? values.prefix[0] : values.prefix;
    if (values.module) body.module = values.module;
    if (values.key?.length) body.keys = values.key.map((k) => requireKey(k));
    if (values.percent !== undefined) {
      const n = Number(values.percent);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError('--percent must be a whole number 1-100');
      body.canaryPercent = n;
    }
    if (mode === 'canary' && body.canaryPercent === undefined) throw new UsageError('route group ... canary needs --percent 1-100, e.g. --percent 10');
    if (values.override) body.override = true;
    const r = await api<{ changed: string[]; unchanged: string[]; routes: RouteOut[] }>(config, 'POST', '/_fig/route-groups/flip', body);
    if (values.json) out(r);
    else {
      printRoutes(r.routes);
      console.log(`${r.changed.length} route(s) now ${mode}${mode === 'canary' ? ` ${String(body.canaryPercent)}%` : ''}, ${r.unchanged.length} already were; every gateway follows within a second.`);
    }
    return;
  }
  if (cmd === 'route' && sub === 'history') {
    const q = new URLSearchParams({ limit: values.limit ?? '20' });
    if (rest[0]) q.set('routeKey', requireKey(rest[0]));
    const h = await api<{ data: { createdAt: string; routeKey: string; actor: string; before: { mode?: string } | null; after: { mode?: string } | null; reason: string; override: boolean }[]; total: number }>(
      config,
      'GET',
      `/_fig/route-changes?${q}`,
    );
    if (values.json) out(h);
    else if (h.data.length === 0) console.log('No route changes recorded.');
    else
      console.log(
        table([
          ['WHEN', 'KEY', 'CHANGE', 'ACTOR', 'REASON'],
          ...h.data.map((c) => [c.createdAt, c.routeKey, `${c.before?.mode ?? '?'} → ${c.after?.mode ?? '?'}${c.override ? ' (override)' : ''}`, c.actor, c.reason]),
        ]),
      );
    return;
  }
  if (cmd === 'routes' && sub === 'import') {
    const body = values.file ? { openapi: JSON.parse(readFileSync(values.file, 'utf8')) as unknown } : {};
    const r = await api<{ added: number; updated: number; removed: number; orphaned: string[]; total: number }>(config, 'POST', '/_fig/routes/import', body);
    if (values.json) out(r);
    else {
      console.log(`Imported: ${r.added} added, ${r.updated} updated, ${r.removed} removed, ${r.total} routes in the table (modes kept).`);
      if (r.orphaned.length) console.log(`Not in the legacy document any more, kept because a module answers them: ${r.orphaned.join(', ')}`);
    }
    return;
  }
  if (cmd === 'kill-switch') {
    if (!values.reason) throw new UsageError('kill-switch needs --reason "why"');
    const r = await api<{ changed: number; routes: string[] }>(config, 'POST', '/_fig/kill-switch', { reason: values.reason });
    if (values.json) out(r);
    else console.log(r.changed ? `Kill switch: ${r.changed} route(s) back to legacy:\n${r.routes.map((k) => `  ${k}`).join('\n')}` : 'Kill switch: every route was already on legacy.');
    return;
  }
  if (cmd === 'modules') {
    const m = await api<{ name: string; serves: string[] }[]>(config, 'GET', '/_fig/modules');
    if (values.json) out(m);
    else for (const mod of m) console.log(`${mod.name}${mod.serves.length ? `\n${mod.serves.map((k) => `  serves ${k}`).join('\n')}` : '  (serves no legacy route)'}`);
    return;
  }
  if (cmd === 'platform' && (sub === 'grant' || sub === 'revoke')) {
    const [email, role] = rest;
    if (!email || !role) throw new UsageError(`platform ${sub} needs an email and a role, e.g. platform ${sub} ops@example.com ops --reason "why"`);
    if (!values.reason) throw new UsageError(`platform ${sub} needs --reason "why" (it is recorded)`);
    const body = { email, role, reason: values.reason };
    if (sub === 'grant') {
      const g = await api<{ email: string; role: string }>(config, 'POST', '/_fig/platform/grants', body);
      if (values.json) out(g);
      else console.log(`${g.email} now holds the platform role ${g.role}; their current sessions refresh into it.`);
    } else {
      await api(config, 'DELETE', '/_fig/platform/grants', body);
      console.log(`${email.toLowerCase()} no longer holds the platform role ${role}; their access tokens stopped working.`);
    }
    return;
  }
  if (cmd === 'platform' && sub === 'list') {
    const l = await api<{ data: { email: string; role: string; grantedBy: string; reason: string; createdAt: string }[] }>(config, 'GET', '/_fig/platform/grants');
    if (values.json) out(l.data);
    else if (l.data.length === 0) console.log('Nobody holds a platform role (the admin token still works).');
    else console.log(table([['EMAIL', 'ROLE', 'GRANTED BY', 'SINCE', 'REASON'], ...l.data.map((g) => [g.email, g.role, g.grantedBy, g.createdAt, g.reason])]));
    return;
  }
  if (cmd === 'platform' && sub === 'history') {
    const h = await api<{ data: { createdAt: string; action: string; email: string; role: string; actor: string; reason: string }[] }>(
      config,
      'GET',
      `/_fig/platform/events?limit=${encodeURIComponent(values.limit ?? '20')}`,
    );
    if (values.json) out(h.data);
    else if (h.data.length === 0) console.log('No platform role changes recorded.');
    else console.log(table([['WHEN', 'ACTION', 'EMAIL', 'ROLE', 'ACTOR', 'REASON'], ...h.data.map((e) => [e.createdAt, e.action, e.email, e.role, e.actor, e.reason])]));
    return;
  }
  if (cmd === 'tenant' && sub === 'create') {
    if (!values.name || !values.admin) throw new UsageError('tenant create needs --name "Organisation" and --admin first-admin@example.com');
    const t = await api<{ organisation: { id: string; slug: string; name: string }; invitation: { email: string; expiresAt: string } }>(config, 'POST', '/_fig/tenants', {
      name: values.name,
      adminEmail: values.admin,
    });
    if (values.json) out(t);
    else console.log(`Organisation ${t.organisation.name} (${t.organisation.slug}, ${t.organisation.id}) created; ${t.invitation.email} is invited as its admin (link valid until ${t.invitation.expiresAt}).`);
    return;
  }
  if (cmd === 'tenant' && sub === 'list') {
    const q = new URLSearchParams({ limit: values.limit ?? '200', ...(values.search ? { search: values.search } : {}) });
    const l = await api<{ data: { id: string; slug: string; name: string; status: string; suspendedReason: string | null }[] }>(config, 'GET', `/_fig/tenants?${q}`);
    if (values.json) out(l.data);
    else if (l.data.length === 0) console.log('No organisations.');
    else console.log(table([['NAME', 'SLUG', 'STATUS', 'ID', 'REASON'], ...l.data.map((o) => [o.name, o.slug, o.status, o.id, o.suspendedReason ?? ''])]));
    return;
  }
  if (cmd === 'tenant' && (sub === 'suspend' || sub === 'reactivate')) {
    if (!rest[0]) throw new UsageError(`tenant ${sub} needs an organisation id or slug`);
    if (!values.reason) throw new UsageError(`tenant ${sub} needs --reason "why" (it is recorded)`);
    const o = await api<{ name: string; status: string }>(config, 'POST', `/_fig/tenants/${encodeURIComponent(rest[0])}/${sub}`, { reason: values.reason });
    if (values.json) out(o);
    else console.log(`${o.name} is now ${o.status}.`);
    return;
  }
  if (cmd === 'bands' && sub === 'sync') {
    const { createDb } = await import('../modules/core/db');
    const { syncBandsFromLegacy } = await import('../modules/bands');
    const db = createDb(config.APP_DATABASE_URL, { max: 1 });
    try {
      const { table: t, result } = await syncBandsFromLegacy(db, config.LEGACY_URL);
      if (values.json) out({ result, table: t });
      else console.log(`Band table version ${t.version} ${result} from ${config.LEGACY_URL} (${t.bands.length} bands, updated ${t.updated_at}).`);
    } catch (err) {
      throw new ApiError(`bands sync failed: ${(err as Error).message}`, 1);
    } finally {
      await db.destroy();
    }
    return;
  }
  throw new UsageError(`Unknown command: ${positionals.join(' ')}`);
}

function requireKey(key: string | undefined): string {
  if (!key || !/^[A-Z]+ \/\S*$/.test(key)) throw new UsageError(`Expected a route key like "GET /api/v1/invoices/{id}" (quoted), got ${JSON.stringify(key ?? '')}`);
  return key;
}

try {
  await run(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (err instanceof ApiError) {
    console.error(err.message);
    process.exitCode = err.exitCode;
  } else if (err instanceof ConfigError) {
    console.error(err.message);
    process.exitCode = 2;
  } else if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`fig: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
