import net from 'node:net';
import type { Readable } from 'node:stream';
import type { Config } from '../core/config';

/** A scanner's verdict: clean, or infected with the signature it named. */
export type ScanVerdict = { clean: true } | { clean: false; reason: string };

/** The pluggable scanner hook: one call per upload, streaming the file. */
export interface Scanner {
  name: string;
  scan(file: Readable): Promise<ScanVerdict>;
}

/** No scanner configured: every file passes (the magic-bytes check still runs). */
export const noScanner: Scanner = { name: 'none', scan: async () => ({ clean: true }) };

/**
 * clamd's INSTREAM over TCP: `zINSTREAM\0`, then chunks each prefixed by a 4-byte big-endian
 * length, then a zero-length chunk; clamd answers `stream: OK` or `stream: <signature> FOUND`.
 */
export function clamdScanner(opts: { host: string; port: number; timeoutMs: number }): Scanner {
  return {
    name: `clamd ${opts.host}:${opts.port}`,
    scan: (file) =>
      new Promise<ScanVerdict>((resolve, reject) => {
        const socket = net.connect({ host: opts.host, port: opts.port });
        let answer = '';
        let settled = false;
        const fail = (err: Error) => {
          if (settled) return;
          settled = true;
          socket.destroy();
          file.destroy();
          reject(err);
        };
        socket.setTimeout(opts.timeoutMs, () => fail(new Error(`clamd did not answer within ${opts.timeoutMs} ms`)));
        socket.on('error', fail);
        socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
        socket.on('end', () => {
          if (settled) return;
          settled = true;
          file.destroy();
          const text = answer.replace(/\0/g, '').trim();
          if (/^stream: OK$/.test(text)) resolve({ clean: true });
          else if (/ FOUND$/.test(text)) resolve({ clean: false, reason: `virus scanner: ${text.replace(/^stream: /, '')}` });
          else fail(new Error(`clamd answered: ${text || '(nothing)'}`));
        });
        socket.on('connect', () => {
          socket.write('zINSTREAM\0');
          file.on('data', (chunk: Buffer) => {
            const len = Buffer.alloc(4);
            len.writeUInt32BE(chunk.length);
            // Backpressure: pause the file while the socket's buffer drains.
            if (!socket.write(Buffer.concat([len, chunk]))) {
              file.pause();
              socket.once('drain', () => file.resume());
            }
          });
          file.on('end', () => socket.write(Buffer.alloc(4)));
          file.on('error', fail);
        });
      }),
  };
}

/** clamd when CLAMD_HOST is set, no scanner otherwise. */
export function scannerFor(config: Config): Scanner {
  return config.CLAMD_HOST ? clamdScanner({ host: config.CLAMD_HOST, port: config.CLAMD_PORT, timeoutMs: config.CLAMD_TIMEOUT_MS }) : noScanner;
}
