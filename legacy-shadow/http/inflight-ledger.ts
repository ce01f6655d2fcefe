import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import type { Db } from '../../modules/core/db';
import type { NewSample } from './repo';

/** One sample accepted by the queue and not yet written. */
export interface InflightSample {
  routeKey: string;
  requestId: string;
  primarySide: 'legacy' | 'new';
}

const HEARTBEAT_MS = 5_000;
/**
 * Longest a shadowed response waits for its ledger entry (written while legacy answers, so
 * normally already there). Past it the sample is skipped as `ledger_unavailable`, never left
 * in memory uncounted.
 */
export const LEDGER_WAIT_MS = 250;
const ALIVE_TTL_MS = 3 * HEARTBEAT_MS;

/**
 * The shadow queue lives in process memory (it holds module handlers and response bodies), so a
 * crash loses what it held. This ledger makes that loss counted instead of silent: every sample the
 * queue accepts is recorded in Redis (a hash per gateway process) until its sample row is written
 * to Postgres. A process keeps an `alive` key with a TTL; any process that finds another's ledger
 * without it claims the ledger (RENAME: exactly one claimant), records each entry whose row never
 * reached shadow.samples as a skipped sample `lost_in_crash`, and counts it in
 * fig_shadow_samples_lost_total. Re-running a lost sample later would compare the module's state
 * of now with legacy's answer of then, so lost samples are counted, not replayed.
 *
 * The entry is written before the primary response is sent (`reserve`, started when the request
 * is planned for shadowing and awaited just before the answer goes out): a client can never hold
 * an answer whose sample a crash would lose uncounted. Redis unreachable (or slower than
 * LEDGER_WAIT_MS): the sample is skipped as `ledger_unavailable` — sampling pauses, counted.
 */
export class InflightLedger {
  readonly instance: string = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private readonly lost: Counter<'route_key'> | undefined;

  constructor(private readonly deps: { redis: Redis; db: Db; log: FastifyBaseLogger; redisPrefix: string; registry?: Registry; record: (row: NewSample) => void }) {
    if (deps.registry) {
      this.lost = new Counter({ name: 'fig_shadow_samples_lost_total', help: 'Shadow samples accepted by a gateway process that died before writing them', labelNames: ['route_key'], registers: [deps.registry] });
    }
  }

  private key(kind: 'inflight' | 'alive', instance: string = this.instance): string {
    return `${this.deps.redisPrefix}shadow:${kind}:${instance}`;
  }

  private get instances(): string {
    return `${this.deps.redisPrefix}shadow:instances`;
  }

  /** Announce this process, then recover the ledgers of dead ones now and every heartbeat. */
  start(): void {
    const beat = async () => {
      try {
        await this.deps.redis.multi().sadd(this.instances, this.instance).set(this.key('alive'), '1', 'PX', ALIVE_TTL_MS).exec();
        await this.recover();
      } catch (err) {
        this.deps.log.debug({ err }, 'shadow ledger heartbeat failed');
      }
    };
    void beat();
    this.timer = setInterval(() => void beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Stop the heartbeat. What is still in this process's ledger is recovered by the next process. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Record a sample about to be taken; resolves true once Redis holds the entry, false when Redis is
   * not connected or did not answer within LEDGER_WAIT_MS (the caller then skips the sample). Never throws.
   */
  reserve(s: InflightSample): Promise<boolean> {
    const { redis } = this.deps;
    if (redis.status !== 'ready') return Promise.resolve(false);
    const write = redis.hset(this.key('inflight'), field(s.routeKey, s.requestId), JSON.stringify(s)).then(
      () => true,
      (err: unknown) => {
        this.deps.log.debug({ err }, 'shadow ledger add failed');
        return false;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), LEDGER_WAIT_MS);
      timer.unref();
    });
    return Promise.race([write, timeout]).finally(() => clearTimeout(timer));
  }

  /** These samples' rows are in Postgres. */
  written(rows: { route_key: string; request_id?: string | null }[]): void {
    const fields = rows.filter((r) => r.request_id).map((r) => field(r.route_key, r.request_id!));
    if (fields.length) this.deps.redis.hdel(this.key('inflight'), ...fields).catch((err: unknown) => this.deps.log.debug({ err }, 'shadow ledger remove failed'));
  }

  /** Count the samples of every dead process's ledger as lost (once). Returns how many. */
  async recover(): Promise<number> {
    const { redis } = this.deps;
    let count = 0;
    for (const other of await redis.smembers(this.instances)) {
      if (other === this.instance || (await redis.exists(this.key('alive', other)))) continue;
      const claimed = `${this.key('inflight', other)}:claimed`;
      try {
        await redis.rename(this.key('inflight', other), claimed);
      } catch {
        // No ledger (nothing was in flight) or another process claimed it first.
        await redis.srem(this.instances, other);
        continue;
      }
      const entries = Object.values(await redis.hgetall(claimed)).map((v) => JSON.parse(v) as InflightSample);
      // A row written just before the crash, whose ledger entry was not yet removed, is not lost.
      const ids = entries.map((e) => e.requestId);
      const written = new Set(
        ids.length ? (await this.deps.db.selectFrom('shadow.samples').where('request_id', 'in', ids).select(['route_key', 'request_id']).execute()).map((r) => field(r.route_key, r.request_id ?? '')) : [],
      );
      for (const e of entries) {
        if (written.has(field(e.routeKey, e.requestId))) continue;
        this.deps.record({ route_key: e.routeKey, primary_side: e.primarySide, outcome: 'skipped', skip_reason: 'lost_in_crash', request_id: e.requestId });
        this.lost?.inc({ route_key: e.routeKey });
        count++;
      }
      await redis.del(claimed);
      await redis.srem(this.instances, other);
      if (count) this.deps.log.warn({ instance: other, lost: count }, 'shadow samples of a dead gateway process counted as lost');
    }
    return count;
  }
}

const field = (routeKey: string, requestId: string) => `${routeKey}\u0000${requestId}`;
