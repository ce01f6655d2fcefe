import type { FastifyReply, FastifyRequest } from 'fastify';
import { progressChannel, SETTLED, type RunProgress } from './progress';
import type { Caller, PipelineDeps } from './service/context';
import { getProgress } from './service/read-runs';

/** Re-read the run from Postgres this often as well (a missed pub/sub message only delays an update). */
const POLL_MS = 5_000;

/**
 * `GET …/runs/{id}/events`: Server-Sent Events of a run's progress. The first event is the run's
 * state from Postgres; then every message the worker publishes (Redis pub/sub) and a poll as a
 * fallback. The stream ends once the run is settled (completed, failed, in review, finalized).
 */
export async function streamRunEvents(deps: PipelineDeps, caller: Caller, id: number, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const first = await getProgress(deps, caller, id); // 404 as problem+json before the stream starts
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  let closed = false;
  let last = '';
  const sub = deps.redis.duplicate();
  const timers: NodeJS.Timeout[] = [];
  const close = () => {
    if (closed) return;
    closed = true;
    timers.forEach(clearInterval);
    sub.disconnect();
    res.end();
  };
  const send = (p: RunProgress) => {
    if (closed) return;
    const data = JSON.stringify(p);
    if (data !== last) res.write(`event: progress\ndata: ${data}\n\n`);
    last = data;
    if (SETTLED.includes(p.status)) close();
  };
  request.raw.on('close', close);
  send(first);
  if (closed) return;
  sub.on('message', (_channel: string, message: string) => {
    try {
      send(JSON.parse(message) as RunProgress);
    } catch {
      // not ours: ignore
    }
  });
  await sub.subscribe(progressChannel(deps.config.REDIS_PREFIX, caller.tenantId, id));
  timers.push(setInterval(() => {
    if (!closed) res.write(': keep-alive\n\n');
    void getProgress(deps, caller, id).then(send, () => close());
  }, POLL_MS));
  // The state may have settled between the first read and the subscription.
  send(await getProgress(deps, caller, id));
}
