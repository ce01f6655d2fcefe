import net from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Drain an HTTP server before the app closes, so a rolling restart fails no client request:
 *
 * 1. Stop accepting connections (under node:cluster the primary hands new ones to the other
 *    workers; a single process's port refuses them). Idle keep-alive connections are NOT closed
 *    yet: a client may be writing a request on one at this very moment, and closing it under the
 *    client is the classic rolling-restart reset.
 * 2. Every request still arriving on an open connection is served normally, with
 *    `Connection: close`: the client gets its answer and opens its next connection elsewhere.
 * 3. Once no connection is left, or after `drainMs`, the caller closes the app (Fastify closes
 *    the remaining idle connections and waits for in-flight requests before closing pools).
 *
 * Fastify's own close answers requests on kept-alive connections 503 (return503OnClosing), which
 * is right for a stop but not for a restart; this runs before it. Nothing is added to the request
 * path before a drain starts: the `request` listener is installed only then.
 */
export async function drainServer(server: Server, opts: { drainMs: number; pollMs?: number }): Promise<{ ms: number; connectionsLeft: number }> {
  const started = performance.now();
  const closeConnection = (_req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('connection', 'close');
  };
  server.prependListener('request', closeConnection);
  // net.Server's close, not http.Server's: the latter also closes idle keep-alive connections at once.
  if (server.listening) net.Server.prototype.close.call(server);
  const count = () => new Promise<number>((resolve) => server.getConnections((err, n) => resolve(err ? 0 : n)));
  let left = await count();
  while (left > 0 && performance.now() - started < opts.drainMs) {
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 50));
    left = await count();
  }
  return { ms: Math.round(performance.now() - started), connectionsLeft: left };
}
