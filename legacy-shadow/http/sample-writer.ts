import type { FastifyBaseLogger } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { Db } from '../../modules/core/db';
import * as repo from './repo';

const FLUSH_MS = 200;
const FLUSH_ROWS = 200;

/**
 * The batch writer of shadow samples: rows are buffered in memory and written in one insert
 * every FLUSH_MS or once FLUSH_ROWS are waiting, so the shadow costs one round trip per batch,
 * not per sample. Counts every row in fig_shadow_samples_total.
 */
export class SampleWriter {
  private buffer: repo.NewSample[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly samplesTotal: Counter<'route_key' | 'outcome'> | undefined;

  /** Called with the rows of every successful write (the in-flight ledger drops them). */
  onWritten: (rows: repo.NewSample[]) => void = () => undefined;

  constructor(private readonly deps: { db: Db; log: FastifyBaseLogger; registry?: Registry }) {
    if (deps.registry) {
      this.samplesTotal = new Counter({
        name: 'fig_shadow_samples_total',
        help: 'Shadow samples by route key and outcome (match, mismatch, noise, error, skipped)',
        labelNames: ['route_key', 'outcome'],
        registers: [deps.registry],
      });
    }
  }

  /** Start the periodic flush. */
  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** Stop the periodic flush and write what is buffered. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Buffer one sample row (written at the next flush). */
  push(row: repo.NewSample): void {
    this.buffer.push({ ...row, max_money_diff: row.max_money_diff ?? '0' });
    this.samplesTotal?.inc({ route_key: row.route_key, outcome: row.outcome });
    if (this.buffer.length >= FLUSH_ROWS) void this.flush();
  }

  /**
   * Write one sample row now, with `alongside` in the same transaction (a mismatch and its corpus
   * entry: both or neither, never a counted mismatch without its evidence or the reverse).
   */
  async writeWith(row: repo.NewSample, alongside: (trx: Db) => Promise<void>): Promise<void> {
    const full = { ...row, max_money_diff: row.max_money_diff ?? '0' };
    await this.deps.db.transaction().execute(async (trx) => {
      await repo.insertSamples(trx, [full]);
      await alongside(trx);
    });
    this.samplesTotal?.inc({ route_key: row.route_key, outcome: row.outcome });
    this.onWritten([full]);
  }

  /** Write buffered samples (one insert). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.buffer.length) return;
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = repo
      .insertSamples(this.deps.db, rows)
      .then(() => this.onWritten(rows))
      .catch((err) => this.deps.log.warn({ err, rows: rows.length }, 'shadow samples not stored'))
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }
}
