import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Config } from './config';
import type { Db } from './db';

/** What a job handler gets: shared infrastructure, never a module's internals. */
export interface JobContext {
  config: Config;
  db: Db;
  redis: Redis;
  log: Logger;
  /** Aborted when the worker shuts down. */
  signal: AbortSignal;
  /** Which try this is: `made` earlier tries failed, `max` tries in all (BullMQ attempts). */
  attempt?: { made: number; max: number };
  /**
   * Add a job for another definition (a dispatcher fanning out work). `jobId` makes it idempotent:
   * BullMQ ignores an add whose id is already queued, running, delayed or kept. `retry`: tries in
   * all (BullMQ `attempts`, default 1) and the first retry's delay, doubled each time.
   */
  enqueue?: <P extends z.ZodType>(
    def: JobDefinition<P>,
    payload: z.infer<P>,
    opts: { jobId: string; retry?: { attempts: number; backoffMs: number } },
  ) => Promise<void>;
}

/**
 * A job is a definition (documenso style): a name, a version, a zod payload and a handler.
 * The worker runs every definition a hosted module exports; producers add jobs to the BullMQ queue named by `queueName`.
 */
export interface JobDefinition<P extends z.ZodType = z.ZodType, R = unknown> {
  name: string;
  version: number;
  payload: P;
  /** Concurrency of this job's worker (default 1). */
  concurrency?: number;
  /**
   * Run on a schedule as well: every this many ms, with the payload's defaults. The worker upserts
   * one BullMQ job scheduler per definition, so any number of workers keep exactly one schedule.
   */
  everyMs?: number;
  /**
   * BullMQ worker lock settings (defaults: BullMQ's 30 s lock, 30 s stall check, 1 stall). A long
   * resumable job shortens them so a killed worker's job is picked up again within seconds.
   */
  lock?: { durationMs: number; stalledIntervalMs: number; maxStalledCount: number };
  /**
   * Process-wide resources of this job's handler kept between jobs (e.g. warm worker threads):
   * `open` when the worker starts (in the background: the worker takes jobs meanwhile, and a
   * handler opens what it needs lazily), `close` when it shuts down.
   */
  lifecycle?: { open: (ctx: JobContext) => Promise<void>; close: () => Promise<void> };
  handler: (payload: z.infer<P>, ctx: JobContext) => Promise<R>;
}

/** Queue name for a job definition; versioned so a payload change never meets an old handler. */
export const queueName = (def: Pick<JobDefinition, 'name' | 'version'>) => `${def.name}.v${def.version}`;
