import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The "fast upstream" of the proxy benchmark: a minimal node:http server answering a small JSON
 * body, run in its own process so it does not share an event loop with the load generator.
 * Prints its port on stdout.
 */
const body = Buffer.from(JSON.stringify({ status: 'ok', service: 'bench-upstream' }));
// A one-route OpenAPI document, so a gateway in front imports a route key and the benchmark's
// requests take fig's routed path (route table, mode dispatch), not only the catch-all.
const openapi = Buffer.from(
  JSON.stringify({ openapi: '3.1.0', info: { title: 'bench upstream', version: '1' }, paths: { '/api/v1/admin/revenue-bands': { get: { summary: 'bench', tags: ['bench'] } } } }),
);
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const answer = req.url === '/openapi.json' ? openapi : body;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
    res.end(answer);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
