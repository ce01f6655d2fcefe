import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';

/**
 * Fan-out of route table changes between gateway processes: a writer publishes on
 * `${REDIS_PREFIX}routes` after its commit; every process reloads on that message, after a
 * reconnect (messages sent while away are lost), and every `reloadIntervalMs` in case a
 * message was lost anyway.
 */
export class RouteFanout {
  private subscriber: Redis | undefined;
  private timer: NodeJS.Timeout | undefined;
  readonly channel: string;

  constructor(
    private readonly deps: { redis: Redis; log: FastifyBaseLogger; redisPrefix: string; reloadIntervalMs: number },
  ) {
    this.channel = `${deps.redisPrefix}routes`;
  }

  /** Subscribe and start the periodic reload; `reload` is called with the reason each time. */
  async start(reload: (reason: string) => void): Promise<void> {
    const sub = this.deps.redis.duplicate();
    this.subscriber = sub;
    sub.on('error', (err) => this.deps.log.warn({ err: err.message }, 'route table subscriber error'));
    sub.on('message', (channel) => {
      if (channel === this.channel) reload('pubsub');
    });
    // After a reconnect, messages sent while we were away are lost: reload once.
    let first = true;
    sub.on('ready', () => {
      if (!first) reload('resubscribe');
      first = false;
    });
    await sub.subscribe(this.channel);
    this.timer = setInterval(() => reload('interval'), this.deps.reloadIntervalMs);
    this.timer.unref();
  }

  /** Stop the periodic reload and drop the subscription. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.subscriber) {
      this.subscriber.disconnect();
      this.subscriber = undefined;
    }
  }

  /**
   * False while the Redis connection is known lost (reconnecting or closed): a change made now
   * would reach other processes only at their next periodic reload. The initial connect counts as
   * available (a process just started).
   */
  get available(): boolean {
    const status = this.deps.redis.status;
    return status !== 'reconnecting' && status !== 'close' && status !== 'end';
  }

  /** Tell every process a change committed. Never throws: the periodic reload is the fallback. */
  async publish(payload: Record<string, unknown>): Promise<void> {
    try {
      await this.deps.redis.publish(this.channel, JSON.stringify(payload));
    } catch (err) {
      // The periodic reload still brings every process up to date.
      this.deps.log.warn({ err }, 'could not publish a route table change; other processes will see it at their next reload');
    }
  }
}
