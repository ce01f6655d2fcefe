import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay in front of a real service (legacy, Postgres, Redis) that a scenario can cut: while
 * cut, nothing listens on its port (clients get ECONNREFUSED, exactly as when the service's process
 * is gone) and every relayed connection is dropped. It listens again on the same port on restore.
 * Used where stopping the real, shared service is not allowed (npm test shares Postgres and Redis).
 */
export interface Relay {
  port: number;
  /** host:port of the relay, for URLs. */
  address: string;
  /** Stop listening and drop every open connection. */
  cut(): Promise<void>;
  /** Listen again on the same port. */
  restore(): Promise<void>;
  /** Connections relayed since start (for connection-growth figures). */
  readonly opened: number;
  /** Connections currently open. */
  readonly open: number;
  close(): Promise<void>;
}

/** Start a relay on 127.0.0.1 (a free port) to `target` ("host:port"). */
export async function startRelay(target: string): Promise<Relay> {
  const [host, portText] = target.split(':') as [string, string];
  const targetPort = Number(portText);
  const sockets = new Set<net.Socket>();
  let opened = 0;
  const onConnection = (client: net.Socket) => {
    opened++;
    const upstream = net.connect(targetPort, host);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  };
  let server = net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  const stopListening = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    sockets.clear();
    await closed;
  };
  return {
    port,
    address: `127.0.0.1:${port}`,
    get opened() {
      return opened;
    },
    get open() {
      return sockets.size / 2;
    },
    cut: stopListening,
    async restore() {
      if (listening) return;
      server = net.createServer(onConnection);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      listening = true;
    },
    close: stopListening,
  };
}
