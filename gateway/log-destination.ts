import fs from 'node:fs';

/**
 * Where the gateway's pino lines go: gathered in memory and written to a file descriptor in
 * batches of about `minLength` characters, one write in flight at a time, lines in order.
 *
 * pino's own asynchronous destination (sonic-boom) appends each line to one growing string and
 * measures that string's byte length on every line, which cost ~3.7 µs per access line on top of
 * ~3.4 µs for everything else (bench/profile, docs/proxy.md "Performance"); here a line is pushed
 * onto an array and joined once per batch. Like sonic-boom with `sync: false`, lines still buffered
 * when the process dies abruptly are lost; `drain()` (on a graceful stop) writes them all.
 */
export class BatchedLogDestination {
  private parts: string[] = [];
  private size = 0;
  private writing = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly fd: number,
    private readonly minLength = 16 * 1024,
  ) {}

  /** pino's stream interface: one serialised line. */
  write(line: string): boolean {
    this.parts.push(line);
    this.size += line.length;
    if (!this.writing && this.size >= this.minLength) this.flush();
    return true;
  }

  /** Start writing whatever is buffered; `done` runs once it (and any write in flight) is out. */
  flush(done?: (err?: Error) => void): void {
    if (done) this.waiters.push(done);
    if (this.writing) return;
    if (this.parts.length === 0) return this.settle();
    const chunk = Buffer.from(this.parts.length === 1 ? this.parts[0]! : this.parts.join(''));
    this.parts = [];
    this.size = 0;
    this.writeOut(chunk);
  }

  /** Write everything buffered, waiting for a write in flight first (graceful stop). */
  drain(): Promise<void> {
    return new Promise((resolve) => {
      const loop = () => (this.parts.length === 0 && !this.writing ? resolve() : this.flush(() => setImmediate(loop)));
      loop();
    });
  }

  private writeOut(chunk: Buffer): void {
    this.writing = true;
    fs.write(this.fd, chunk, 0, chunk.length, null, (err, written) => {
      // A non-blocking pipe that is full: try again shortly, nothing is dropped.
      if (err && (err as NodeJS.ErrnoException).code === 'EAGAIN') return void setTimeout(() => this.writeOut(chunk), 5);
      if (!err && written < chunk.length) return this.writeOut(chunk.subarray(written));
      // Any other error (stdout closed): this batch cannot be written; later lines are still tried.
      this.writing = false;
      if (this.size >= this.minLength || (this.waiters.length > 0 && this.parts.length > 0)) this.flush();
      else this.settle();
    });
  }

  private settle(): void {
    if (this.writing || this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const done of waiters) done();
  }
}
