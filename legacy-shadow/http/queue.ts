/**
 * When a queued task may start: while `busy()` (primary requests in flight on this process) a
 * task waits, for at most `maxDeferMs` from when it was offered; past that it starts anyway, so
 * a process that is never idle still makes progress (ADR 0024). `wake()` is called by the owner
 * when busy() turns false.
 */
export interface QueueGate {
  busy: () => boolean;
  maxDeferMs: number;
}

interface Entry<T> {
  item: T;
  at: number;
}

/**
 * A bounded in-process work queue with a concurrency limit and a per-task time limit. `offer`
 * never blocks and never throws: when the queue is full it answers false (the caller counts the
 * sample as skipped). A task past its time limit is aborted (its signal fires) and given up on.
 * With a gate, tasks start only while the gate is not busy (or once they waited maxDeferMs).
 */
export class BoundedQueue<T> {
  private readonly pending: Entry<T>[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private deferTimer: NodeJS.Timeout | undefined;
  private scheduled = false;
  /** Tasks that started only because they had waited maxDeferMs while primaries were in flight. */
  overdueStarts = 0;

  constructor(
    private readonly opts: {
      max: number;
      concurrency: number;
      timeoutMs: number;
      run: (item: T, signal: AbortSignal) => Promise<void>;
      onTimeout: (item: T) => void;
      onError: (item: T, err: unknown) => void;
      gate?: QueueGate;
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
    this.pending.push({ item, at: performance.now() });
    this.schedule();
    return true;
  }

  /** The gate may have opened: try to start work on a later turn. */
  wake(): void {
    if (this.pending.length > 0) this.schedule();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.pending.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // Start work on a later turn: never inside the caller's stack (the primary response path), and
  // after the I/O callbacks already due (setImmediate runs after the poll phase).
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const gate = this.opts.gate;
    while (this.running < this.opts.concurrency && this.pending.length > 0) {
      const head = this.pending[0] as Entry<T>;
      if (gate && gate.busy()) {
        const waited = performance.now() - head.at;
        if (waited < gate.maxDeferMs) {
          // Try again when the gate wakes us, or when the oldest task is due.
          clearTimeout(this.deferTimer);
          this.deferTimer = setTimeout(() => this.pump(), gate.maxDeferMs - waited + 1);
          return;
        }
        this.overdueStarts++;
      }
      this.pending.shift();
      this.running++;
      void this.execute(head.item).finally(() => {
        this.running--;
        if (this.pending.length > 0) this.schedule();
        else if (this.running === 0) {
          clearTimeout(this.deferTimer);
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
