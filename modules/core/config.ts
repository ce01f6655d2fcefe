import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/** `1.2.3.4`, `10.0.0.0/8`, `::1`, `fd00::/8`: one proxy address or subnet. */
function parseIpOrCidr(entry: string): { address: string; prefix?: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (!version || extra !== undefined) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) return { address, family };
  const bits = Number(prefix);
  if (!/^\d{1,3}$/.test(prefix) || bits > (version === 4 ? 32 : 128)) return undefined;
  return { address, prefix: bits, family };
}

/** A comma-separated list of IPs/CIDRs (spaces allowed); each entry must parse. */
const ipList = z
  .string()
  .transform((v) => v.split(',').map((e) => e.trim()).filter(Boolean))
  .refine((entries) => entries.every((e) => parseIpOrCidr(e)), { message: 'must be comma-separated IP addresses or CIDRs (10.0.0.0/8, ::1)' });

/** A comma-separated list of origins (scheme://host[:port], no path). */
const originList = z
  .string()
  .transform((v) => v.split(',').map((e) => e.trim()).filter(Boolean))
  .refine((entries) => entries.every((e) => URL.canParse(e) && new URL(e).origin === e), {
    message: 'must be comma-separated origins such as https://console.example.com (no path, no trailing slash)',
  });

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every environment variable fig reads, validated once at start.
 * Nothing else in the codebase reads process.env.
 */
export const ConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LEGACY_URL: z.url().default('http://127.0.0.1:8000'),
  /** Python that runs the legacy generator for generated parity sources (needs FastAPI/SQLAlchemy; Debian's by default). */
  LEGACY_PYTHON: z.string().min(1).default('/usr/bin/python3'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/fig'),
  /**
   * Where the app itself (gateway, worker, CLI) connects: `fig_service`, a login role that owns
   * nothing and has no BYPASSRLS (migrations/0040). Unset: DATABASE_URL with the user replaced by
   * fig_service and no password (set this variable when the database needs one).
   */
  APP_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** Owner connection for migrations; unset: DATABASE_URL. */
  MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and channel, so several installs (and test runs) can share a Redis. */
  REDIS_PREFIX: z.string().default('fig:'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Bearer token for automation on /_fig routes. Unset: only signed-in ops users may use them. */
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Gateway the `npm run fig` CLI talks to; unset: http://127.0.0.1:$PORT (8080 when PORT is unset or 0), see loadConfig. */
  FIG_URL: z.url().optional(),
  PROXY_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
  PROXY_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1).default(5_000),
  PROXY_CONNECTIONS: z.coerce.number().int().min(1).default(128),
  /** Requests that may wait for a free legacy connection beyond PROXY_CONNECTIONS; past it 503 + Retry-After at once (gateway/proxy/upstream-queue.ts). */
  PROXY_QUEUE_MAX: z.coerce.number().int().min(0).default(128),
  /** Consecutive failures to reach legacy (refused, connect timeout) that open the proxy's circuit breaker. */
  PROXY_BREAKER_THRESHOLD: z.coerce.number().int().min(1).default(5),
  /** How long an open circuit answers 502 at once before one probe request tries legacy again. */
  PROXY_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(1).default(2_000),
  /**
   * @fastify/under-pressure: mean event-loop delay above which new requests are shed (0: off, the
   * default). A mean over ~100 samples a second barely moves when the loop is saturated by many
   * short callbacks; utilisation is the trigger (ADR 0021).
   */
  LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(0),
  /**
   * Event-loop utilisation (0-1) over the last LOAD_SHED_SAMPLE_INTERVAL_MS above which new requests
   * are shed with 503 + Retry-After (0: off). 0.98: the loop had no idle time for a whole interval.
   */
  LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: z.coerce.number().min(0).max(1).default(0.98),
  /** How often the load-shedding trigger samples the event loop (utilisation is judged per interval). */
  LOAD_SHED_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
  /** Seconds a shed client is told to wait (Retry-After). */
  LOAD_SHED_RETRY_AFTER_S: z.coerce.number().int().min(1).default(2),
  /** A client must finish sending its request headers within this time, or the connection is cut (408). */
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  /** A client must finish sending its whole request (headers and body) within this time (0: no limit). */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).default(300_000),
  /**
   * On SIGTERM a gateway stops accepting connections and serves what still arrives on open ones with
   * `Connection: close` for at most this long before closing (gateway/drain.ts): a rolling restart fails no request.
   */
  GATEWAY_DRAIN_MS: z.coerce.number().int().min(0).default(5_000),
  /** Gateway processes `npm run gateway` starts (node:cluster, one port); 1 runs in this process. */
  GATEWAY_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  ROUTE_RELOAD_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  SHADOW_BODY_CAP_BYTES: z.coerce.number().int().min(0).default(1_048_576),
  /** Worker threads that evaluate user plans (test vectors) off the event loop; started on first use. */
  PLAN_EVAL_WORKERS: z.coerce.number().int().min(1).max(32).default(2),
  /** Deadline of one plan evaluation in a worker; past it the worker is terminated and the client gets 422. */
  PLAN_EVAL_TIMEOUT_MS: z.coerce.number().int().min(10).default(5_000),
  /** Evaluations allowed to wait for a worker before new ones get 503. */
  PLAN_EVAL_QUEUE_MAX: z.coerce.number().int().min(0).default(32),
  /** Cost budget of one evaluation in digit-operations (see docs/dsl.md). */
  PLAN_EVAL_BUDGET: z.coerce.number().int().min(1).default(500_000_000),
  /** Deadline of one run computation (modules/runs: legacy batches, /calculate) in a worker; past it the request gets 503. */
  RUNS_COMPUTE_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  /** Worker threads of one runs pipeline job (npm run worker); 0: one per core. */
  RUNS_PIPELINE_THREADS: z.coerce.number().int().min(0).max(64).default(0),
  /** Rows per checkpointed chunk of a generated or given parity run (ADR 0033); a historical batch is one chunk. */
  PARITY_CHUNK_ROWS: z.coerce.number().int().min(100).max(100_000).default(2_000),
  /**
   * POST /api/v1/parity/reports waits this long for the worker to finish a small report (at most
   * 5,000 employees) and answers 201 with it; past it, or for a larger one, 202 while it runs. 0: never wait.
   */
  PARITY_WAIT_MS: z.coerce.number().int().min(0).max(120_000).default(20_000),
  /** Rows per checkpointed chunk of a pipeline run (a multiple of 1,000: the snapshot hash's groups). */
  RUNS_CHUNK_ROWS: z.coerce.number().int().min(1_000).max(100_000).multipleOf(1_000).default(5_000),
  /** Deadline of one export or statement built off the gateway's event loop (runs pipeline outputs). */
  RUNS_EXPORT_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  /** Shadow samples run at once (ADR 0024: one, so shadow work never piles up beside primaries). */
  SHADOW_CONCURRENCY: z.coerce.number().int().min(1).default(1),
  /**
   * A queued shadow sample waits while primary requests are in flight on this process, for at most
   * this long; then it runs anyway (a process never idle still shadows). ADR 0024. 0: never wait.
   */
  SHADOW_DEFER_MAX_MS: z.coerce.number().int().min(0).default(2_000),
  SHADOW_QUEUE_MAX: z.coerce.number().int().min(1).default(1_000),
  /** Per-sample time limit of the shadow side (module or legacy replay); past it the sample is an error. */
  SHADOW_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  /**
   * Fraction of the module's answers in mode `new` replayed to legacy and diffed (the reverse
   * shadow), unless the route's `normalise.reverseSampleRate` says otherwise. Low by default: a
   * route reaches `new` after its parity gate, and replaying every read caps it at legacy's speed.
   */
  SHADOW_REVERSE_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.01),
  /** Fraction of shadowed GETs also sent to legacy a second time to learn legacy-vs-legacy noise (0-1). */
  SHADOW_NOISE_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.05),
  /**
   * At most one such second legacy call per route and process in this many ms when the rate is
   * SHADOW_NOISE_SAMPLE_RATE's (a route's own normalise.noiseSampleRate is not capped): the
   * extra call lands on legacy, the process answering the primaries (ADR 0031). 0: no cap.
   */
  SHADOW_NOISE_MIN_INTERVAL_MS: z.coerce.number().int().min(0).default(10_000),
  /** Days the mismatch corpus and per-sample rows are kept. */
  SHADOW_RETENTION_DAYS: z.coerce.number().int().min(1).default(14),
  /** How often the auto-rollback watcher checks routes in canary/new (one leader across processes). */
  AUTOROLLBACK_INTERVAL_MS: z.coerce.number().int().min(50).default(5_000),
  /** Window the auto-rollback watcher judges (default budgets; a route's gate.rollback overrides them). */
  AUTOROLLBACK_WINDOW_S: z.coerce.number().int().min(1).default(300),
  AUTOROLLBACK_MAX_ERROR_RATE: z.coerce.number().min(0).max(1).default(0.05),
  AUTOROLLBACK_MAX_MISMATCH_RATE: z.coerce.number().min(0).max(1).default(0.05),
  /** Fewer module-served requests (or shadow samples) than this in the window never trigger a rollback. */
  AUTOROLLBACK_MIN_REQUESTS: z.coerce.number().int().min(1).default(20),
  AUTOROLLBACK_ENABLED: bool.default(true),
  /** Lifetime of anonymous sessions in modules/sessions; keep equal to legacy's LEGACY_SESSION_TTL_SECONDS. */
  SESSIONS_TTL_S: z.coerce.number().int().min(1).default(86_400),
  /** modules/sessions: on a miss (outside shadow), read the session from legacy once and keep it (until legacy is gone). */
  SESSIONS_LEGACY_FALLBACK: bool.default(true),
  /**
   * The tenant legacy-compatible routes run in (legacy has no tenants): requests on the legacy bonus
   * routes served by fig (modules/runs: calculate, uploads, batches, scenarios, revenue-band writes)
   * read and write this tenant's data, under RLS like any tenant request. Default: the demo tenant
   * (Acme, modules/identity/seed-demo.ts). Set it to the organisation that owns legacy's data.
   */
  LEGACY_TENANT: z.uuid('must be a tenant id (uuid)').default('00000000-0000-4000-8000-00000000ac3e'),
  /** Comma-separated list of HMAC secrets for access tokens; the first signs, all verify. Format kid:secret. */
  JWT_KEYS: z.string().optional(),
  ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(30).default(600),
  REFRESH_TOKEN_TTL_S: z.coerce.number().int().min(60).default(30 * 24 * 3600),
  COOKIE_SECURE: bool.default(true),
  RATE_LIMIT_AUTH_PER_MIN: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_WRITES_PER_MIN: z.coerce.number().int().min(1).default(300),
  /** Client portal sign-in links requested per address (per tenant) in 15 minutes (ADR 0027). */
  PORTAL_LINKS_PER_ADDRESS: z.coerce.number().int().min(1).default(5),
  /** Client portal sign-in links requested per client IP in 15 minutes. */
  PORTAL_LINKS_PER_IP: z.coerce.number().int().min(1).default(30),
  /** Lifetime of a customer portal access token (no refresh: a new link signs in again). */
  PORTAL_TOKEN_TTL_S: z.coerce.number().int().min(60).default(3600),
  /** Self-serve sign-ups per client IP per hour (POST /api/v1/auth/signup); 0 turns sign-up off. */
  SIGNUP_PER_HOUR: z.coerce.number().int().min(0).default(5),
  /** Failed sign-ins for one account (within AUTH_FAIL_WINDOW_S) before it is locked. */
  AUTH_LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).default(5),
  /** Failed sign-ins from one IP (within AUTH_FAIL_WINDOW_S) before that IP is locked. */
  AUTH_LOCKOUT_IP_THRESHOLD: z.coerce.number().int().min(1).default(50),
  /** First lockout duration; each further lockout within a day doubles it, up to AUTH_LOCKOUT_MAX_MS. */
  AUTH_LOCKOUT_BASE_MS: z.coerce.number().int().min(1).default(60_000),
  AUTH_LOCKOUT_MAX_MS: z.coerce.number().int().min(1).default(3_600_000),
  AUTH_FAIL_WINDOW_S: z.coerce.number().int().min(1).default(900),
  /** Put invitation, verification and reset tokens in API responses (local demo and tests only; they are always in identity.outbox). */
  AUTH_DEV_TOKENS: bool.default(false),
  /** Local-disk file storage (uploads, quarantine, tus staging) when S3_BUCKET is unset. */
  STORAGE_DIR: z.string().default('.fig/storage'),
  /** S3 (or compatible) file storage: used when S3_BUCKET is set (docs/storage.md). */
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Path-style bucket URLs (MinIO, s3rver); virtual-hosted style otherwise. */
  S3_FORCE_PATH_STYLE: bool.default(false),
  /** Lifetime of a download link (presigned S3 URL or signed gateway URL). */
  STORAGE_URL_TTL_S: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(300),
  /** HMAC key of signed local download links; unset: derived from JWT_KEYS or ADMIN_TOKEN (one per install). */
  STORAGE_SIGNING_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** An upload not finished within this time expires: its row and staged bytes are removed (tus Upload-Expires). */
  UPLOAD_INCOMPLETE_TTL_S: z.coerce.number().int().min(1).default(24 * 3600),
  /** Largest upload accepted (tus Upload-Length), 250 MB by default. */
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1).default(250 * 1024 * 1024),
  /** clamd virus scanner (INSTREAM over TCP) for every upload when CLAMD_HOST is set. */
  CLAMD_HOST: z.string().min(1).optional(),
  CLAMD_PORT: z.coerce.number().int().min(1).max(65535).default(3310),
  CLAMD_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  WEB_DIST_DIR: z.string().default('web/dist'),
  METRICS_ENABLED: bool.default(true),
  /** Set: /metrics needs `Authorization: Bearer <METRICS_TOKEN>` (Prometheus `authorization` credentials). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * OpenTelemetry: set (e.g. http://otel-collector:4318) and the gateway and worker export traces
   * over OTLP/HTTP to `<endpoint>/v1/traces`. Unset: the tracing SDK is never loaded (docs/observability.md).
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** service.name of exported spans; unset: fig-gateway or fig-worker by process. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** Stripe secret key (sk_live_… / sk_test_…). Unset: billing is off and nothing is gated (docs/billing.md). */
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** Signing secret of the Stripe webhook endpoint (whsec_…); needed with STRIPE_SECRET_KEY. */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Stripe API base URL; only changed to point at a local stand-in in tests. */
  STRIPE_API_URL: z.url().default('https://api.stripe.com'),
  /** Plans offered and their Stripe price ids: `standard:price_123,pro:price_456`. */
  STRIPE_PRICES: z
    .string()
    .regex(/^[a-z0-9_-]+:[A-Za-z0-9_]+(,[a-z0-9_-]+:[A-Za-z0-9_]+)*$/, 'must be plan:price_id pairs separated by commas')
    .optional(),
  /** Stripe Billing meter event name the monthly employee count is reported under. */
  STRIPE_USAGE_EVENT: z.string().min(1).default('fig_employees'),
  /** Serve /docs (Swagger UI and the OpenAPI document). */
  DOCS_ENABLED: bool.default(true),
  /** Serve the SPA's *.map source maps; 0 answers 404 for them. */
  SOURCE_MAPS: bool.default(true),
  /**
   * Addresses of the reverse proxies in front of fig (comma-separated IPs/CIDRs). Only a request
   * whose socket peer is one of them has its X-Forwarded-For honoured (request.ip) and its
   * X-Request-Id kept. Unset: no proxy is trusted, request.ip is the socket address.
   */
  TRUSTED_PROXIES: ipList.optional(),
  /** Send Strict-Transport-Security (set when fig is served over TLS, directly or by its proxy). */
  HSTS_ENABLED: bool.default(false),
  /** Also put fig's security headers on proxied legacy responses (by default legacy's headers pass untouched). */
  LEGACY_SECURITY_HEADERS: bool.default(false),
  /** Origins other than fig's own that may call fig's API from a browser (CORS). Unset: same-origin only. */
  CORS_ORIGINS: originList.optional(),
  /** Where users reach fig (links in mails point at its SPA); unset: http://127.0.0.1:$PORT. */
  PUBLIC_URL: z.url().optional(),
  /** Sender of fig's mails. */
  MAIL_FROM: z.string().min(3).default('fig <no-reply@fig.localhost>'),
  /** Set: mail is delivered through Resend. Unset: the embedded dev mailbox (/_fig/mailbox) keeps it. */
  RESEND_API_KEY: z.string().min(1).optional(),
  /** Resend's API (a local stand-in in tests). */
  RESEND_BASE_URL: z.url().default('https://api.resend.com'),
  /** Tries per mail before it goes to the dead-letter list, and the first retry's delay (doubled each time). */
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  MAIL_BACKOFF_MS: z.coerce.number().int().min(10).default(5_000),
  /** Largest JSON or text body accepted on fig's own routes (a route may allow more; proxied bodies stream). */
  JSON_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
});

type Parsed = z.infer<typeof ConfigSchema>;
export type Config = Omit<Parsed, 'FIG_URL' | 'APP_DATABASE_URL' | 'MIGRATION_DATABASE_URL' | 'TRUSTED_PROXIES' | 'CORS_ORIGINS'> & {
  FIG_URL: string;
  /** Where the app (gateway, worker, CLI) connects: fig_service, never the owner. */
  APP_DATABASE_URL: string;
  /** Where migrations (and the seed) connect: the owner of every table. */
  MIGRATION_DATABASE_URL: string;
  /** Parsed TRUSTED_PROXIES; empty = none. Use isTrustedProxy(config, addr) to test an address. */
  trustedProxies: string[];
  /** Parsed CORS_ORIGINS; empty = same-origin only. */
  corsOrigins: string[];
};

/** The login role the app connects as (migrations/0040: no BYPASSRLS, owns nothing, member of fig_app). */
export const APP_DB_USER = 'fig_service';

/** `url` with its user replaced by fig_service (password dropped: local trust auth or PGPASSWORD). */
export function appDatabaseUrl(url: string): string {
  const u = new URL(url);
  u.username = APP_DB_USER;
  u.password = '';
  return u.toString();
}

/** One matcher per parsed list (a Config is built once and never changes). */
const proxyMatchers = new WeakMap<string[], BlockList>();

/**
 * Whether `addr` (a socket peer address) is one of TRUSTED_PROXIES. Only then may a request's
 * X-Forwarded-*, X-Request-Id and other hop headers be believed. IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`) match their IPv4 form.
 */
export function isTrustedProxy(config: Pick<Config, 'trustedProxies'>, addr: string | undefined): boolean {
  if (!addr || config.trustedProxies.length === 0) return false;
  let list = proxyMatchers.get(config.trustedProxies);
  if (!list) {
    list = new BlockList();
    for (const entry of config.trustedProxies) {
      const p = parseIpOrCidr(entry)!;
      if (p.prefix === undefined) list.addAddress(p.address, p.family);
      else list.addSubnet(p.address, p.prefix, p.family);
    }
    proxyMatchers.set(config.trustedProxies, list);
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr)?.[1];
  const plain = mapped ?? addr;
  const version = isIP(plain);
  if (!version) return false;
  return list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse and validate config from an environment map; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = ConfigSchema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(picked[String(i.path[0])])})`),
    );
  }
  const { TRUSTED_PROXIES, CORS_ORIGINS, ...data } = parsed.data;
  // Node refuses a headers timeout longer than the request timeout.
  if (data.REQUEST_TIMEOUT_MS > 0 && data.REQUEST_TIMEOUT_MS < data.HEADERS_TIMEOUT_MS) {
    throw new ConfigError([`REQUEST_TIMEOUT_MS: must be 0 or at least HEADERS_TIMEOUT_MS (${data.HEADERS_TIMEOUT_MS}) (got ${JSON.stringify(picked.REQUEST_TIMEOUT_MS)})`]);
  }
  return {
    ...data,
    FIG_URL: data.FIG_URL ?? `http://127.0.0.1:${data.PORT || 8080}`,
    APP_DATABASE_URL: data.APP_DATABASE_URL ?? appDatabaseUrl(data.DATABASE_URL),
    MIGRATION_DATABASE_URL: data.MIGRATION_DATABASE_URL ?? data.DATABASE_URL,
    trustedProxies: TRUSTED_PROXIES ?? [],
    corsOrigins: CORS_ORIGINS ?? [],
  };
}

/** For entry points: the config, or one line per bad variable on stderr and exit code 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
