import Fastify from 'fastify';
import replyFrom from '@fastify/reply-from';

/**
 * The baseline of bench/proxy/versus-bare.ts: the barest @fastify/reply-from forwarder (no logs,
 * no routing, no metrics), proxying everything to UPSTREAM_URL over the same kind of undici pool
 * fig uses. Prints its port on stdout.
 */
const upstream = process.env.UPSTREAM_URL!;
const app = Fastify({ logger: false });
await app.register(replyFrom, { base: upstream, undici: { connections: 128, pipelining: 1 } });
app.all('/*', (request, reply) => reply.from(request.url));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
