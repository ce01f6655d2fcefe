import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The "fast upstream" of the proxy benchmark: a minimal node:http server answering a small JSON
 * body, run in its own process so it does not share an event loop with the load generator.
 * Prints its port on stdout.
 */
const body = Buffer.from(JSON.stringify({ status: 'ok', service: 'bench-upstream' }));
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
