import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../../gateway/config';
import type { Db } from '../../modules/core/db';
import { captureModuleResponse, type LegacyRouteHandler, type ModuleContext } from '../../modules/core/module';
import { anyGlob, compileGlob, diffJson, type Difference, type PathSegment } from '../diff/index';
import { decodeBody, parseBody } from './body';
import { replayToLegacy, type CapturedResponse, type RequestCopy } from './legacy-replay';
import { redactDifferences, redactHeaders, redactJson } from './redact';
import * as repo from './repo';
import { BoundedQueue } from './queue';
import { diffOptionsOf, entityOf, generalisePath, isWrite, parseRules, type NormaliseRules, type WritePolicy } from './rules';

/** Why a sample was not compared. */
export type SkipReason = 'body_over_cap' | 'queue_full' | 'write_policy_skip' | 'response_over_cap' | 'not_sampled' | 'primary_failed';

/** Everything a shadow sample needs, captured on the request path (copies only). */
export interface ShadowJob {
  routeKey: string;
  writePolicy: WritePolicy;
  rules: NormaliseRules;
  /** Side that answered the client. */
  primarySide: 'legacy' | 'new';
  request: RequestCopy & {
    params: Record<string, string>;
    query: Record<string, string | string[]>;
    requestId: string;
    tenantId?: string;
  };
  primary: CapturedResponse;
  /** The module handler (needed when legacy answered). */
  handler?: LegacyRouteHandler;
}

export interface SampleEvent {
  routeKey: string;
  requestId: string;
  outcome: repo.NewSample['outcome'];
  reason?: string | null;
}

export interface ShadowEvents {
  /** A sample was handed to the queue (always after the primary response finished). */
  enqueued: [{ routeKey: string; requestId: string }];
  /** The shadow side is about to be called. */
  started: [{ routeKey: string; requestId: string }];
  sample: [SampleEvent];
}

const CORPUS_BODY_MAX = 64 * 1024;
const FLUSH_MS = 200;
const FLUSH_ROWS = 200;
const NOISE_CACHE_MS = 2_000;
const SERVED_FLUSH_MS = 1_000;

/**
 * HTTP shadow: takes copies of answered requests, runs the other side off the request path in a
 * bounded queue, diffs the two answers under the route's normalisation rules, and records samples,
 * the mismatch corpus, learned noise, id mappings and reconciliation issues. Nothing here can
 * touch a primary response: the strategies only call `submit`/`skip`, which never throw or wait.
 */
export class ShadowService extends EventEmitter<ShadowEvents> {
  private readonly queue: BoundedQueue<ShadowJob>;
  private buffer: repo.NewSample[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private servedTimer: NodeJS.Timeout | undefined;
  /** Module-side answers not yet in Redis: `<minute>\n<routeKey>@<version>` → counts. */
  private served = new Map<string, { n: number; e: number }>();
  private readonly noiseCache = new Map<string, { at: number; globs: string[] }>();
  private readonly rulesCache = new Map<string, { version: number; raw: unknown; rules: NormaliseRules }>();
  private readonly samplesTotal: Counter<'route_key' | 'outcome'> | undefined;

  constructor(
    private readonly deps: {
      db: Db;
      redis: Redis;
      config: Config;
      log: FastifyBaseLogger;
      moduleContext: ModuleContext;
      registry?: Registry;
    },
  ) {
    super();
    this.queue = new BoundedQueue<ShadowJob>({
      max: deps.config.SHADOW_QUEUE_MAX,
      concurrency: deps.config.SHADOW_CONCURRENCY,
      timeoutMs: deps.config.SHADOW_TIMEOUT_MS,
      run: (job, signal) => this.process(job, signal),
      onTimeout: (job) => this.timedOut(job),
      onError: (job, err) => deps.log.warn({ err, routeKey: job.routeKey }, 'shadow sample failed'),
    });
    if (deps.registry) {
      this.samplesTotal = new Counter({
        name: 'fig_shadow_samples_total',
        help: 'Shadow samples by route key and outcome (match, mismatch, noise, error, skipped)',
        labelNames: ['route_key', 'outcome'],
        registers: [deps.registry],
      });
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
    this.servedTimer = setInterval(() => void this.flushServed(), SERVED_FLUSH_MS);
    this.servedTimer.unref();
    const prune = () =>
      void repo.prune(this.deps.db, this.deps.config.SHADOW_RETENTION_DAYS).catch((err) => this.deps.log.warn({ err }, 'shadow retention prune failed'));
    this.pruneTimer = setInterval(prune, 3_600_000);
    this.pruneTimer.unref();
    prune();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    if (this.servedTimer) clearInterval(this.servedTimer);
    await Promise.all([this.flush(), this.flushServed()]);
  }

  /** Wait until every queued sample ran and its rows are written (tests, benchmarks, shutdown). */
  async drain(): Promise<void> {
    await this.queue.idle();
    await this.flush();
  }

  /** Queue depth and running samples (for logs and the bench). */
  load(): { queued: number; running: number } {
    return { queued: this.queue.size, running: this.queue.active };
  }

  /** Hand a sample to the queue; a full queue counts it skipped. Never throws. */
  submit(job: ShadowJob): void {
    try {
      if (!this.queue.offer(job)) {
        this.skip(job.routeKey, 'queue_full', job.primarySide, job.request.requestId);
        return;
      }
      if (this.listenerCount('enqueued')) this.emit('enqueued', { routeKey: job.routeKey, requestId: job.request.requestId });
    } catch (err) {
      this.deps.log.warn({ err, routeKey: job.routeKey }, 'shadow submit failed');
    }
  }

  /** Count a sample as skipped with its reason (never silently lost). Never throws. */
  skip(routeKey: string, reason: SkipReason, primarySide: 'legacy' | 'new', requestId: string): void {
    try {
      this.push({ route_key: routeKey, primary_side: primarySide, outcome: 'skipped', skip_reason: reason, request_id: requestId }, requestId);
    } catch (err) {
      this.deps.log.warn({ err, routeKey }, 'shadow skip not recorded');
    }
  }

  /**
   * Count a module-side answer (canary/new) for the error budget, in memory; flushed to one Redis
   * hash per minute every second (one pipeline for every route), and before this process reads.
   */
  recordServed(routeKey: string, version: number, status: number): void {
    const minute = Math.floor(Date.now() / 60_000);
    const key = `${minute}\n${routeKey}@${version}`;
    let acc = this.served.get(key);
    if (!acc) this.served.set(key, (acc = { n: 0, e: 0 }));
    acc.n++;
    if (status >= 500) acc.e++;
  }

  /** Write the served counters accumulated since the last flush (one Redis pipeline). */
  async flushServed(): Promise<void> {
    if (this.served.size === 0) return;
    const batch = this.served;
    this.served = new Map();
    const pipe = this.deps.redis.pipeline();
    const hashes = new Set<string>();
    for (const [key, acc] of batch) {
      const cut = key.indexOf('\n');
      const hash = `${this.deps.config.REDIS_PREFIX}shadow:served:${key.slice(0, cut)}`;
      const field = key.slice(cut + 1);
      pipe.hincrby(hash, `${field}|n`, acc.n);
      if (acc.e) pipe.hincrby(hash, `${field}|e`, acc.e);
      hashes.add(hash);
    }
    for (const hash of hashes) pipe.expire(hash, 3 * 3600);
    await pipe.exec().catch((err) => this.deps.log.debug({ err }, 'served counters not recorded'));
  }

  /** Module-side answers and 5xx of a route at one version (since its last flip) over the last `windowSeconds` (minute granularity). */
  async servedCounts(routeKey: string, version: number, windowSeconds: number): Promise<{ requests: number; errors: number }> {
    await this.flushServed();
    const field = `${routeKey}@${version}`;
    const now = Math.floor(Date.now() / 60_000);
    const first = Math.floor((Date.now() - windowSeconds * 1000) / 60_000);
    const pipe = this.deps.redis.pipeline();
    for (let m = first; m <= now; m++) pipe.hmget(`${this.deps.config.REDIS_PREFIX}shadow:served:${m}`, `${field}|n`, `${field}|e`);
    let requests = 0;
    let errors = 0;
    for (const [err, v] of (await pipe.exec()) ?? []) {
      if (err || !v) continue;
      const [n, e] = v as [string | null, string | null];
      requests += Number(n ?? 0);
      errors += Number(e ?? 0);
    }
    return { requests, errors };
  }

  /** A route's normalisation rules, parsed once per route version. */
  rulesFor(route: { key: string; version: number; normalise: unknown }): NormaliseRules {
    const hit = this.rulesCache.get(route.key);
    if (hit && hit.version === route.version && hit.raw === route.normalise) return hit.rules;
    const { rules, problem } = parseRules(route.normalise);
    if (problem) this.deps.log.warn({ routeKey: route.key, problem }, 'invalid normalise rules on a route; using the defaults');
    this.rulesCache.set(route.key, { version: route.version, raw: route.normalise, rules });
    return rules;
  }

  /** Learned noise globs of a route (cached for a moment: they change rarely). */
  async noiseGlobs(routeKey: string): Promise<string[]> {
    const hit = this.noiseCache.get(routeKey);
    if (hit && Date.now() - hit.at < NOISE_CACHE_MS) return hit.globs;
    const rows = await repo.listNoisePaths(this.deps.db, routeKey);
    const globs = rows.map((r) => r.path);
    this.noiseCache.set(routeKey, { at: Date.now(), globs });
    return globs;
  }

  /** The queue's worker: one sample. */
  async process(job: ShadowJob, signal: AbortSignal): Promise<void> {
    const { routeKey, request } = job;
    const entity = entityOf(routeKey, job.rules);
    const dualWrite = job.writePolicy === 'dual-write' && isWrite(request.method);
    if (this.listenerCount('started')) this.emit('started', { routeKey, requestId: request.requestId });
    let other: CapturedResponse;
    try {
      other = job.primarySide === 'legacy' ? await this.callModule(job, entity, signal) : await this.callLegacy(request, signal);
    } catch (err) {
      if (signal.aborted) return; // the queue already recorded the timeout
      const message = (err as Error)?.message ?? String(err);
      this.push({ route_key: routeKey, primary_side: job.primarySide, outcome: 'error', skip_reason: `threw: ${message}`.slice(0, 300), request_id: request.requestId, legacy_status: job.primarySide === 'legacy' ? job.primary.status : null, legacy_ms: job.primarySide === 'legacy' ? job.primary.ms : null }, request.requestId);
      if (dualWrite) await this.issue(job, entity, 'new_write_failed', { error: message, legacyStatus: job.primary.status });
      return;
    }
    if (signal.aborted) return;
    const legacy = job.primarySide === 'legacy' ? job.primary : other;
    const candidate = job.primarySide === 'legacy' ? other : job.primary;
    if (legacy.over || candidate.over) {
      this.skip(routeKey, 'response_over_cap', job.primarySide, request.requestId);
      return;
    }

    const [lBytes, cBytes] = await Promise.all([decodeBody(legacy.body ?? Buffer.alloc(0), legacy.headers['content-encoding']), decodeBody(candidate.body ?? Buffer.alloc(0), candidate.headers['content-encoding'])]);
    // Noise baseline: the same GET to legacy again; paths that differ legacy-vs-legacy are noise.
    const noiseRate = job.rules.noiseSampleRate ?? this.deps.config.SHADOW_NOISE_SAMPLE_RATE;
    const learnNoise = job.primarySide === 'legacy' && request.method === 'GET' && noiseRate > 0 && Math.random() < noiseRate;

    // The common case, byte-identical answers: a match without parsing or diffing (the diff of two
    // equal documents finds nothing; id mapping and dual-write bookkeeping need the full path).
    if (lBytes.equals(cBytes) && (!job.rules.compareStatus || legacy.status === candidate.status) && !job.rules.idPaths.length && !dualWrite) {
      if (learnNoise) {
        const parsed = parseBody(lBytes);
        if (parsed.json) await this.learnNoise(job, parsed.value, signal).catch((err) => this.deps.log.debug({ err, routeKey }, 'noise baseline failed'));
      }
      this.push(
        { route_key: routeKey, primary_side: job.primarySide, outcome: 'match', legacy_status: legacy.status, new_status: candidate.status, legacy_ms: legacy.ms, new_ms: candidate.ms, failing: 0, money_failing: 0, max_money_diff: '0', diff_paths: [], request_id: request.requestId },
        request.requestId,
      );
      return;
    }

    const left = parseBody(lBytes);
    const right = parseBody(cBytes);
    if (learnNoise && left.json) {
      await this.learnNoise(job, left.value, signal).catch((err) => this.deps.log.debug({ err, routeKey }, 'noise baseline failed'));
    }

    const noise = anyGlob(await this.noiseGlobs(routeKey));
    const differences: Difference[] = [];
    let truncated = false;
    let maxMoneyDiff = '0';
    if (left.json && right.json) {
      const ids = await this.idMapFor(job, entity, left.value);
      const result = diffJson(left.value, right.value, { ...diffOptionsOf(job.rules), mapId: ids.size ? (v) => ids.get(String(v)) : undefined });
      differences.push(...result.differences);
      truncated = result.truncated;
      maxMoneyDiff = result.maxMoneyDiff;
    } else if (left.json !== right.json || left.value !== right.value) {
      differences.push({ path: '$', kind: left.json !== right.json ? 'type' : 'changed', left: truncate(left.value), right: truncate(right.value) });
    }
    if (job.rules.compareStatus && legacy.status !== candidate.status) {
      differences.unshift({ path: '$status', kind: 'changed', left: legacy.status, right: candidate.status });
    }
    const failing = differences.filter((d) => d.kind !== 'money' || !d.withinTolerance);
    const real = failing.filter((d) => d.path === '$status' || !noise(pathSegments(d.path)));
    const noisy = failing.length - real.length;
    const outcome = real.length > 0 || truncated ? 'mismatch' : noisy > 0 ? 'noise' : 'match';
    const moneyFailing = real.filter((d) => d.kind === 'money').length;

    this.push(
      {
        route_key: routeKey,
        primary_side: job.primarySide,
        outcome,
        legacy_status: legacy.status,
        new_status: candidate.status,
        legacy_ms: legacy.ms,
        new_ms: candidate.ms,
        failing: real.length,
        money_failing: moneyFailing,
        max_money_diff: moneyFailing ? maxMoneyDiff : '0',
        diff_paths: [...new Set(real.map((d) => generalisePath(d.path)))].slice(0, 50),
        request_id: request.requestId,
      },
      request.requestId,
    );

    if (outcome === 'mismatch') {
      const sensitive = job.rules.sensitive;
      await repo
        .insertMismatch(this.deps.db, {
          routeKey,
          request: { method: request.method, url: request.url, requestId: request.requestId, headers: redactHeaders(request.headers), body: corpusBody(request.body, sensitive) },
          legacy: { status: legacy.status, headers: redactHeaders(legacy.headers), body: corpusValue(left, sensitive), ms: round(legacy.ms) },
          candidate: { status: candidate.status, headers: redactHeaders(candidate.headers), body: corpusValue(right, sensitive), ms: round(candidate.ms) },
          diff: { primarySide: job.primarySide, failing: real.length, noise: noisy, truncated, differences: redactDifferences(real.slice(0, 100), sensitive) },
        })
        .catch((err) => this.deps.log.warn({ err, routeKey }, 'mismatch not stored'));
    }

    if (dualWrite && job.primarySide === 'legacy') {
      await this.afterDualWrite(job, entity, left, right, candidate, real).catch((err) => this.deps.log.warn({ err, routeKey }, 'dual-write bookkeeping failed'));
    }
  }

  /** Record the timeout of a sample (called by the queue). */
  timedOut(job: ShadowJob): void {
    this.push({ route_key: job.routeKey, primary_side: job.primarySide, outcome: 'error', skip_reason: 'timeout', request_id: job.request.requestId, legacy_status: job.primarySide === 'legacy' ? job.primary.status : null, legacy_ms: job.primarySide === 'legacy' ? job.primary.ms : null }, job.request.requestId);
    if (job.writePolicy === 'dual-write' && isWrite(job.request.method)) {
      void this.issue(job, entityOf(job.routeKey, job.rules), 'new_write_timeout', { timeoutMs: this.deps.config.SHADOW_TIMEOUT_MS });
    }
  }

  private async callModule(job: ShadowJob, entity: string, signal: AbortSignal): Promise<CapturedResponse> {
    const { request } = job;
    if (!job.handler) throw new Error('no module handler');
    let params = request.params;
    let url = request.url;
    const idParam = job.rules.idParam;
    if (idParam && params[idParam]) {
      const mapped = (await repo.findIdMappings(this.deps.db, entity, [params[idParam]])).get(params[idParam]);
      if (mapped && mapped !== params[idParam]) {
        url = url.replace(encodeURIComponent(params[idParam]), encodeURIComponent(mapped));
        params = { ...params, [idParam]: mapped };
      }
    }
    let legacyResponse: { status: number; headers: Record<string, string | string[]>; body: unknown } | undefined;
    if (job.writePolicy === 'dual-write' && isWrite(request.method)) {
      const decoded = await decodeBody(job.primary.body ?? Buffer.alloc(0), job.primary.headers['content-encoding']);
      const parsed = parseBody(decoded);
      legacyResponse = { status: job.primary.status, headers: job.primary.headers, body: parsed.value };
    }
    const started = performance.now();
    const res = await job.handler(
      {
        method: request.method,
        routeKey: job.routeKey,
        url,
        params,
        query: request.query,
        // Marks a shadow copy: modules must answer from their own state (no read-through to legacy).
        headers: { ...request.headers, 'x-fig-shadow': 'module' },
        body: request.body,
        requestId: request.requestId,
        tenantId: request.tenantId,
        signal,
        dryRun: job.writePolicy === 'dry-run' && isWrite(request.method) ? true : undefined,
        legacyResponse,
      },
      this.deps.moduleContext,
    );
    return captureModuleResponse(res, performance.now() - started, this.deps.config.SHADOW_BODY_CAP_BYTES);
  }

  private callLegacy(request: RequestCopy, signal: AbortSignal): Promise<CapturedResponse> {
    return replayToLegacy(this.deps.config.LEGACY_URL, request, { cap: this.deps.config.SHADOW_BODY_CAP_BYTES, signal, timeoutMs: this.deps.config.SHADOW_TIMEOUT_MS });
  }

  private async learnNoise(job: ShadowJob, first: unknown, signal: AbortSignal): Promise<void> {
    const again = await this.callLegacy(job.request, signal);
    if (again.over || !again.body) return;
    const parsed = parseBody(await decodeBody(again.body, again.headers['content-encoding']));
    if (!parsed.json) return;
    const result = diffJson(first, parsed.value, { ...diffOptionsOf(job.rules), maxDifferences: 200 });
    const paths = result.differences.filter((d) => d.kind !== 'money' || !d.withinTolerance).map((d) => generalisePath(d.path));
    if (paths.length) {
      await repo.addNoisePaths(this.deps.db, job.routeKey, paths);
      this.noiseCache.delete(job.routeKey);
      this.deps.log.info({ routeKey: job.routeKey, paths: [...new Set(paths)].slice(0, 20) }, 'shadow noise learned (legacy differs from itself)');
    }
  }

  /** Mappings for the legacy ids at the route's idPaths. */
  private async idMapFor(job: ShadowJob, entity: string, legacyBody: unknown): Promise<Map<string, string>> {
    if (!job.rules.idPaths.length) return new Map();
    const globs = job.rules.idPaths.map(compileGlob);
    const ids: string[] = [];
    collect(legacyBody, [], (path, v) => {
      if ((typeof v === 'string' || typeof v === 'number') && globs.some((g) => g.matches(path))) ids.push(String(v));
    });
    return repo.findIdMappings(this.deps.db, entity, ids);
  }

  private async afterDualWrite(
    job: ShadowJob,
    entity: string,
    left: ReturnType<typeof parseBody>,
    right: ReturnType<typeof parseBody>,
    candidate: CapturedResponse,
    real: Difference[],
  ): Promise<void> {
    const legacyOk = job.primary.status < 400;
    const newOk = candidate.status < 400;
    if (legacyOk && !newOk) {
      await this.issue(job, entity, 'new_write_failed', { legacyStatus: job.primary.status, newStatus: candidate.status, body: right.json ? right.value : truncate(right.value) });
      return;
    }
    if (!legacyOk && newOk) {
      await this.issue(job, entity, 'new_wrote_legacy_refused', { legacyStatus: job.primary.status, newStatus: candidate.status });
      return;
    }
    if (legacyOk && left.json && right.json) {
      const glob = compileGlob(job.rules.idField);
      let legacyId: string | undefined;
      let newId: string | undefined;
      collect(left.value, [], (p, v) => {
        if (legacyId === undefined && glob.matches(p) && (typeof v === 'string' || typeof v === 'number')) legacyId = String(v);
      });
      collect(right.value, [], (p, v) => {
        if (newId === undefined && glob.matches(p) && (typeof v === 'string' || typeof v === 'number')) newId = String(v);
      });
      if (legacyId && newId) await repo.putIdMapping(this.deps.db, { entity, legacyId, newId, routeKey: job.routeKey });
      if (real.length) await this.issue(job, entity, 'drift', { paths: real.slice(0, 20).map((d) => d.path) }, legacyId, newId);
    }
  }

  private async issue(job: ShadowJob, entity: string, kind: string, detail: unknown, legacyId?: string, newId?: string): Promise<void> {
    const id = legacyId ?? job.request.params[job.rules.idParam ?? 'id'] ?? null;
    await repo
      .openIssue(this.deps.db, { routeKey: job.routeKey, entity, legacyId: id, newId: newId ?? null, kind, detail: { requestId: job.request.requestId, method: job.request.method, url: job.request.url, ...(detail as object) } })
      .catch((err) => this.deps.log.warn({ err, routeKey: job.routeKey }, 'reconciliation issue not recorded'));
    this.deps.log.warn({ routeKey: job.routeKey, kind, legacyId: id }, 'dual-write drift recorded in shadow.reconciliation_issues');
  }

  private push(row: repo.NewSample, requestId: string): void {
    this.buffer.push({ ...row, max_money_diff: row.max_money_diff ?? '0' });
    this.samplesTotal?.inc({ route_key: row.route_key, outcome: row.outcome });
    if (this.listenerCount('sample')) this.emit('sample', { routeKey: row.route_key, requestId, outcome: row.outcome, reason: row.skip_reason });
    if (this.buffer.length >= FLUSH_ROWS) void this.flush();
  }

  /** Write buffered samples (one insert). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.buffer.length) return;
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = repo
      .insertSamples(this.deps.db, rows)
      .catch((err) => this.deps.log.warn({ err, rows: rows.length }, 'shadow samples not stored'))
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }
}

function collect(v: unknown, path: PathSegment[], fn: (path: PathSegment[], v: unknown) => void): void {
  fn(path, v);
  if (Array.isArray(v)) v.forEach((x, i) => collect(x, [...path, i], fn));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v as Record<string, unknown>)) collect(x, [...path, k], fn);
}

/** Parse a rendered difference path back into segments (for noise glob matching). */
export function pathSegments(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\[([A-Za-z_$][\w$-]*)=("(?:[^"\\]|\\.)*")\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(`"${m[3]}"`) as string);
    else out.push({ by: m[4]!, value: JSON.parse(m[5]!) as string });
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;

function truncate(v: unknown): unknown {
  return typeof v === 'string' && v.length > 2000 ? `${v.slice(0, 2000)}… (${v.length} chars)` : v;
}

function corpusValue(p: ReturnType<typeof parseBody>, sensitive: readonly string[]): unknown {
  if (!p.json) return typeof p.value === 'string' ? truncate(p.value) : null;
  const text = JSON.stringify(p.value);
  if (text.length > CORPUS_BODY_MAX) return { truncated: true, bytes: text.length };
  return redactJson(p.value, sensitive);
}

function corpusBody(body: Buffer | undefined, sensitive: readonly string[]): unknown {
  if (!body?.length) return null;
  return corpusValue(parseBody(body), sensitive);
}
