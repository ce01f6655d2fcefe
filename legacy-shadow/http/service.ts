import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Config } from '../../modules/core/config';
import type { Db } from '../../modules/core/db';
import { captureModuleResponse, type ModuleContext } from '../../modules/core/module';
import { anyGlob, diffJson, type Difference } from '../diff/index';
import { decodeBody, parseBody } from './body';
import { corpusBody, corpusValue, round, truncate } from './corpus';
import { afterDualWrite, idMapFor, legacyResponseOf, mapRequestIds, openIssue } from './dual-write';
import type { ShadowJob, SkipReason } from './job';
import { replayToLegacy, type CapturedResponse, type RequestCopy } from './legacy-replay';
import { redactDifferences, redactHeaders } from './redact';
import * as repo from './repo';
import { BoundedQueue } from './queue';
import { diffOptionsOf, entityOf, generalisePath, isWrite, parseRules, type NormaliseRules } from './rules';
import { NoiseBaseline, pathSegments } from './noise';
import { SampleWriter } from './sample-writer';
import { ServedCounter } from './served-counter';
import { InflightLedger } from './inflight-ledger';

export type { ShadowJob, SkipReason } from './job';

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

/**
 * HTTP shadow: takes copies of answered requests, runs the other side off the request path in a
 * bounded queue, diffs the two answers under the route's normalisation rules, and records samples,
 * the mismatch corpus, learned noise, id mappings and reconciliation issues. Nothing here can
 * touch a primary response: the strategies only call `submit`/`skip`, which never throw or wait.
 */
export class ShadowService extends EventEmitter<ShadowEvents> {
  private readonly queue: BoundedQueue<ShadowJob>;
  private readonly samples: SampleWriter;
  private readonly served: ServedCounter;
  private readonly ledger: InflightLedger;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly noise: NoiseBaseline;
  private readonly rulesCache = new Map<string, { version: number; raw: unknown; rules: NormaliseRules }>();
  /** The module context of shadow calls: its db yields to primaries after every query (ADR 0031). */
  private readonly moduleContext: ModuleContext;
  /** Primary requests in flight on this process (ADR 0024: shadow work waits for none). */
  private primaries = 0;
  private primaryWaiters: (() => void)[] = [];

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
    // The module's queries in a shadow call resume only between primaries (ADR 0031): the work a
    // result sets off (rows decoded, the next query built and run by Postgres) waits while a primary
    // is in flight, so a sample's main-thread and Postgres CPU falls into idle gaps, not beside one.
    const yielding: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        await this.yieldToPrimaries();
        return args.result;
      },
    };
    this.moduleContext = { ...deps.moduleContext, db: deps.moduleContext.db.withPlugin(yielding) };
    this.queue = new BoundedQueue<ShadowJob>({
      max: deps.config.SHADOW_QUEUE_MAX,
      concurrency: deps.config.SHADOW_CONCURRENCY,
      timeoutMs: deps.config.SHADOW_TIMEOUT_MS,
      run: (job, signal) => this.process(job, signal),
      onTimeout: (job) => this.timedOut(job),
      onError: (job, err) => this.failed(job, err),
      gate: { busy: () => this.primaries > 0, maxDeferMs: deps.config.SHADOW_DEFER_MAX_MS },
    });
    this.samples = new SampleWriter(deps);
    this.ledger = new InflightLedger({ redis: deps.redis, db: deps.db, log: deps.log, redisPrefix: deps.config.REDIS_PREFIX, registry: deps.registry, record: (row) => this.samples.push(row) });
    this.samples.onWritten = (rows) => this.ledger.written(rows);
    this.noise = new NoiseBaseline(deps);
    this.served = new ServedCounter({ redis: deps.redis, log: deps.log, redisPrefix: deps.config.REDIS_PREFIX });
  }

  /** Start the sample writer, the served counters and the hourly retention prune. */
  start(): void {
    this.samples.start();
    this.served.start();
    this.ledger.start();
    const prune = () =>
      void repo.prune(this.deps.db, this.deps.config.SHADOW_RETENTION_DAYS).catch((err) => this.deps.log.warn({ err }, 'shadow retention prune failed'));
    this.pruneTimer = setInterval(prune, 3_600_000);
    this.pruneTimer.unref();
    prune();
  }

  /** Stop the timers and write what is buffered. */
  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.ledger.stop();
    await Promise.all([this.samples.stop(), this.served.stop()]);
  }

  /** Wait until every queued sample ran and its rows are written (tests, benchmarks, shutdown). */
  async drain(): Promise<void> {
    await this.queue.idle();
    await this.flush();
  }

  /** Queue depth and running samples (for logs and the bench); overdue: samples started while primaries were in flight (they had waited SHADOW_DEFER_MAX_MS). */
  load(): { queued: number; running: number; primaries: number; overdue: number } {
    return { queued: this.queue.size, running: this.queue.active, primaries: this.primaries, overdue: this.queue.overdueStarts };
  }

  /**
   * A primary request started on this process (any request the gateway answers). Shadow samples
   * do not start while one is in flight (ADR 0024). Pair with primaryEnded.
   */
  primaryStarted(): void {
    this.primaries++;
  }

  /** A primary request ended (answered or aborted): with none left, waiting shadow work may go. */
  primaryEnded(): void {
    if (this.primaries > 0) this.primaries--;
    if (this.primaries > 0) return;
    this.queue.wake();
    if (this.primaryWaiters.length > 0) {
      const waiters = this.primaryWaiters;
      this.primaryWaiters = [];
      setImmediate(() => {
        for (const w of waiters) w();
      });
    }
  }

  /** Resolves once no primary is in flight (at once when none is), or after SHADOW_DEFER_MAX_MS. */
  private yieldToPrimaries(): Promise<void> {
    if (this.primaries === 0 || this.deps.config.SHADOW_DEFER_MAX_MS === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.deps.config.SHADOW_DEFER_MAX_MS);
      this.primaryWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Write the in-flight ledger entry of a sample before its primary answer is sent (see InflightLedger). Never throws. */
  reserve(routeKey: string, requestId: string, primarySide: 'legacy' | 'new'): Promise<boolean> {
    return this.ledger.reserve({ routeKey, requestId, primarySide });
  }

  /** Hand a reserved sample to the queue; a full queue counts it skipped. Never throws. */
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

  /** Count a module-side answer (canary/new) for the error budget (see ServedCounter). */
  recordServed(routeKey: string, version: number, status: number): void {
    this.served.record(routeKey, version, status);
  }

  /** Write the served counters accumulated since the last flush. */
  flushServed(): Promise<void> {
    return this.served.flush();
  }

  /** Module-side answers and 5xx of a route at one version over the last `windowSeconds`. */
  servedCounts(routeKey: string, version: number, windowSeconds: number): Promise<{ requests: number; errors: number }> {
    return this.served.counts(routeKey, version, windowSeconds);
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
      if (dualWrite) await openIssue(this.deps, job, entity, job.primarySide === 'legacy' ? 'new_write_failed' : 'legacy_write_failed', { error: message, [job.primarySide === 'legacy' ? 'legacyStatus' : 'newStatus']: job.primary.status });
      return;
    }
    if (signal.aborted) return;
    // The module (or legacy) answered; the decoding and diffing that follow are CPU work: done
    // between primaries, not beside them (ADR 0024).
    await this.yieldToPrimaries();
    if (signal.aborted) return;
    const legacy = job.primarySide === 'legacy' ? job.primary : other;
    const candidate = job.primarySide === 'legacy' ? other : job.primary;
    if (legacy.over || candidate.over) {
      this.skip(routeKey, 'response_over_cap', job.primarySide, request.requestId);
      return;
    }

    const [lBytes, cBytes] = await Promise.all([decodeBody(legacy.body ?? Buffer.alloc(0), legacy.headers['content-encoding']), decodeBody(candidate.body ?? Buffer.alloc(0), candidate.headers['content-encoding'])]);
    // Noise baseline: the same GET to legacy again; paths that differ legacy-vs-legacy are noise.
    // The default rate is capped per route (SHADOW_NOISE_MIN_INTERVAL_MS): each call is load on legacy, which answers the primaries (ADR 0031).
    const noiseRate = job.rules.noiseSampleRate ?? this.deps.config.SHADOW_NOISE_SAMPLE_RATE;
    const learnNoise =
      job.primarySide === 'legacy' &&
      request.method === 'GET' &&
      noiseRate > 0 &&
      Math.random() < noiseRate &&
      this.noise.due(routeKey, job.rules.noiseSampleRate === undefined ? this.deps.config.SHADOW_NOISE_MIN_INTERVAL_MS : 0);

    // The common case, byte-identical answers: a match without parsing or diffing (the diff of two
    // equal documents finds nothing; id mapping and dual-write bookkeeping need the full path).
    if (lBytes.equals(cBytes) && (!job.rules.compareStatus || legacy.status === candidate.status) && !job.rules.idPaths.length && !dualWrite) {
      if (learnNoise) {
        const parsed = parseBody(lBytes);
        if (parsed.json) await this.noise.learn(job, parsed.value, (r) => this.callLegacy(r, signal)).catch((err) => this.deps.log.debug({ err, routeKey }, 'noise baseline failed'));
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
      await this.noise.learn(job, left.value, (r) => this.callLegacy(r, signal)).catch((err) => this.deps.log.debug({ err, routeKey }, 'noise baseline failed'));
    }

    const noise = anyGlob(await this.noise.globs(routeKey));
    const differences: Difference[] = [];
    let truncated = false;
    let maxMoneyDiff = '0';
    if (left.json && right.json) {
      const ids = await idMapFor(this.deps.db, job, entity, left.value);
      // Mappings are stored as text: an integer id (legacy's bonus ids) maps to an integer again.
      const mapId = (v: unknown) => {
        const m = ids.get(String(v));
        return m !== undefined && typeof v === 'number' && /^-?\d+$/.test(m) ? Number(m) : m;
      };
      const result = diffJson(left.value, right.value, { ...diffOptionsOf(job.rules), mapId: ids.size ? mapId : undefined });
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

    const sample: repo.NewSample = {
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
    };
    if (outcome !== 'mismatch') this.push(sample, request.requestId);
    else {
      // The mismatch sample and its corpus entry in one transaction: both or neither.
      const sensitive = job.rules.sensitive;
      const entry = {
        routeKey,
        request: { method: request.method, url: request.url, requestId: request.requestId, headers: redactHeaders(request.headers), body: corpusBody(request.body, sensitive) },
        legacy: { status: legacy.status, headers: redactHeaders(legacy.headers), body: corpusValue(left, sensitive), ms: round(legacy.ms) },
        candidate: { status: candidate.status, headers: redactHeaders(candidate.headers), body: corpusValue(right, sensitive), ms: round(candidate.ms) },
        diff: { primarySide: job.primarySide, failing: real.length, noise: noisy, truncated, differences: redactDifferences(real.slice(0, 100), sensitive) },
      };
      await this.samples.writeWith(sample, (trx) => repo.insertMismatch(trx, entry)).catch((err) => this.deps.log.warn({ err, routeKey }, 'mismatch not stored'));
      if (this.listenerCount('sample')) this.emit('sample', { routeKey, requestId: request.requestId, outcome, reason: null });
    }

    // Reverse-shadowed writes (module primary) too: their ids are mapped and their drift recorded,
    // else a write legacy and fig took differently would disagree silently (test/reliability/dual-write.property.test.ts).
    if (dualWrite) {
      await afterDualWrite(this.deps, job, entity, left, right, { legacy, candidate }, real).catch((err) => this.deps.log.warn({ err, routeKey }, 'dual-write bookkeeping failed'));
    }
  }

  /** A sample whose processing threw outside its own handling: still one row (its ledger entry goes). */
  private failed(job: ShadowJob, err: unknown): void {
    this.deps.log.warn({ err, routeKey: job.routeKey }, 'shadow sample failed');
    const message = (err as Error)?.message ?? String(err);
    this.push({ route_key: job.routeKey, primary_side: job.primarySide, outcome: 'error', skip_reason: `failed: ${message}`.slice(0, 300), request_id: job.request.requestId }, job.request.requestId);
  }

  /** Record the timeout of a sample (called by the queue). */
  timedOut(job: ShadowJob): void {
    this.push({ route_key: job.routeKey, primary_side: job.primarySide, outcome: 'error', skip_reason: 'timeout', request_id: job.request.requestId, legacy_status: job.primarySide === 'legacy' ? job.primary.status : null, legacy_ms: job.primarySide === 'legacy' ? job.primary.ms : null }, job.request.requestId);
    if (job.writePolicy === 'dual-write' && isWrite(job.request.method)) {
      void openIssue(this.deps, job, entityOf(job.routeKey, job.rules), job.primarySide === 'legacy' ? 'new_write_timeout' : 'legacy_write_timeout', { timeoutMs: this.deps.config.SHADOW_TIMEOUT_MS });
    }
  }

  private async callModule(job: ShadowJob, entity: string, signal: AbortSignal): Promise<CapturedResponse> {
    const { request } = job;
    if (!job.handler) throw new Error('no module handler');
    const { url, params } = await mapRequestIds(this.deps.db, job, entity);
    const legacyResponse = job.writePolicy === 'dual-write' && isWrite(request.method) ? await legacyResponseOf(job) : undefined;
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
      this.moduleContext,
    );
    return captureModuleResponse(res, performance.now() - started, this.deps.config.SHADOW_BODY_CAP_BYTES);
  }

  private callLegacy(request: RequestCopy, signal: AbortSignal): Promise<CapturedResponse> {
    return replayToLegacy(this.deps.config.LEGACY_URL, request, { cap: this.deps.config.SHADOW_BODY_CAP_BYTES, signal, timeoutMs: this.deps.config.SHADOW_TIMEOUT_MS });
  }

  private push(row: repo.NewSample, requestId: string): void {
    this.samples.push(row);
    if (this.listenerCount('sample')) this.emit('sample', { routeKey: row.route_key, requestId, outcome: row.outcome, reason: row.skip_reason });
  }

  /** Write buffered samples (one insert). */
  flush(): Promise<void> {
    return this.samples.flush();
  }
}
