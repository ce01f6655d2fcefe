/**
 * A bounded in-process work queue with a concurrency limit and a per-task time limit. `offer`
 * never blocks and never throws: when the queue is full it answers false (the caller counts the
 * sample as skipped). A task past its time limit is aborted (its signal fires) and given up on.
 */
export class BoundedQueue<T> {
  private readonly pending: T[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly opts: {
      max: number;
      concurrency: number;
      timeoutMs: number;
      run: (item: T, signal: AbortSignal) => Promise<void>;
      onTimeout: (item: T) => void;
      onError: (item: T, err: unknown) => void;
    },
  ) {}

  get size(): number {
    return this.pending.length;
  }

  get active(): number {
    return this.running;
  }

  /** Queue an item; false when the queue is full. */
  offer(item: T): boolean {
    if (this.pending.length >= this.opts.max) return false;
    this.pending.push(item);
    // Start work on a later turn: never inside the caller's stack (the primary response path).
    setImmediate(() => this.pump());
    return true;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.pending.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.opts.concurrency && this.pending.length > 0) {
      const item = this.pending.shift() as T;
      this.running++;
      void this.execute(item).finally(() => {
        this.running--;
        if (this.pending.length > 0) this.pump();
        else if (this.running === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const w of waiters) w();
        }
      });
    }
  }

  private async execute(item: T): Promise<void> {
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.opts.timeoutMs);
      timer.unref();
    });
    try {
      const work = this.opts.run(item, ac.signal).then(() => 'done' as const);
      // A task that never settles must not hold a slot forever, nor crash the process later.
      work.catch(() => undefined);
      const result = await Promise.race([work, timeout]);
      if (result === 'timeout') {
        ac.abort(new Error('shadow sample timed out'));
        this.opts.onTimeout(item);
      }
    } catch (err) {
      this.opts.onError(item, err);
    } finally {
      clearTimeout(timer);
    }
  }
}
