import { z } from 'zod';

/**
 * Every environment variable fig reads, validated once at start.
 * Nothing else in the codebase reads process.env.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const ConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LEGACY_URL: z.url().default('http://127.0.0.1:8000'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/fig'),
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
  /**
   * Peers (IPs or CIDRs, comma-separated) whose X-Forwarded-* and x-fig-* headers are believed.
   * Default none: every client's are dropped before proxying (docs/proxy.md).
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'must be IPs or CIDRs, comma-separated'))),
  /** A client must finish sending its request headers within this time, or the connection is cut (408). */
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  /** A client must finish sending its whole request (headers and body) within this time (0: no limit). */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).default(300_000),
  /** Gateway processes `npm run gateway` starts (node:cluster, one port); 1 runs in this process. */
  GATEWAY_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  ROUTE_RELOAD_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  SHADOW_BODY_CAP_BYTES: z.coerce.number().int().min(0).default(1_048_576),
  SHADOW_CONCURRENCY: z.coerce.number().int().min(1).default(4),
  SHADOW_QUEUE_MAX: z.coerce.number().int().min(1).default(1_000),
  /** Per-sample time limit of the shadow side (module or legacy replay); past it the sample is an error. */
  SHADOW_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  /** Fraction of shadowed GETs also sent to legacy a second time to learn legacy-vs-legacy noise (0-1). */
  SHADOW_NOISE_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.05),
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
  /** Comma-separated list of HMAC secrets for access tokens; the first signs, all verify. Format kid:secret. */
  JWT_KEYS: z.string().optional(),
  ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(30).default(600),
  REFRESH_TOKEN_TTL_S: z.coerce.number().int().min(60).default(30 * 24 * 3600),
  COOKIE_SECURE: bool.default(true),
  RATE_LIMIT_AUTH_PER_MIN: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_WRITES_PER_MIN: z.coerce.number().int().min(1).default(300),
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
  STORAGE_DIR: z.string().default('.fig/storage'),
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  WEB_DIST_DIR: z.string().default('web/dist'),
  METRICS_ENABLED: bool.default(true),
});

export type Config = Omit<z.infer<typeof ConfigSchema>, 'FIG_URL'> & { FIG_URL: string };

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
  const data = parsed.data;
  // Node refuses a headers timeout longer than the request timeout.
  if (data.REQUEST_TIMEOUT_MS > 0 && data.REQUEST_TIMEOUT_MS < data.HEADERS_TIMEOUT_MS) {
    throw new ConfigError([`REQUEST_TIMEOUT_MS: must be 0 or at least HEADERS_TIMEOUT_MS (${data.HEADERS_TIMEOUT_MS}) (got ${JSON.stringify(picked.REQUEST_TIMEOUT_MS)})`]);
  }
  return { ...data, FIG_URL: data.FIG_URL ?? `http://127.0.0.1:${data.PORT || 8080}` };
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
