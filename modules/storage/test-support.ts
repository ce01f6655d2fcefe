import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { JobContext } from '../core/jobs';
import pino from 'pino';
import { findLatestLockedPlan, LEGACY_EQUIVALENT_NAME, seedDemo } from '../plans/index';
import { withTenant } from '../core/db';
import type { Config } from '../core/config';

/** Test helpers for storage: a tus client over real HTTP, the demo plan, a tiny clamd. */

export const tmpStorageDir = () => mkdtempSync(path.join(tmpdir(), 'fig-storage-'));

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A tus client over a listening server (`base` = http://127.0.0.1:port). */
export function tusClient(base: string, tenantId: string, headers: Record<string, string>) {
  const root = `${base}/api/v1/tenants/${tenantId}/uploads/tus`;
  const tus = { 'tus-resumable': '1.0.0', ...headers };
  return {
    root,
    async create(filename: string, size: number, filetype = 'text/csv') {
      const res = await fetch(root, { method: 'POST', headers: { ...tus, 'upload-length': String(size), 'upload-metadata': `filename ${b64(filename)},filetype ${b64(filetype)}` } });
      return { res, location: res.headers.get('location') };
    },
    async head(location: string) {
      const res = await fetch(`${base}${location}`, { method: 'HEAD', headers: tus });
      return { res, offset: Number(res.headers.get('upload-offset')) };
    },
    async patch(location: string, offset: number, body: Buffer) {
      return fetch(`${base}${location}`, {
        method: 'PATCH',
        headers: { ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        body: new Uint8Array(body),
      });
    },
    /** Create and send the whole file in `chunk`-byte PATCHes; the last answer carries Upload-Id. */
    async upload(filename: string, content: Buffer, chunk = 1 << 20) {
      const { res, location } = await this.create(filename, content.length);
      if (res.status !== 201 || !location) throw new Error(`tus create: ${res.status} ${await res.text()}`);
      let last: Response | undefined;
      for (let off = 0; off < content.length; off += chunk) {
        last = await this.patch(location, off, content.subarray(off, off + chunk));
        if (last.status !== 204) throw new Error(`tus patch: ${last.status} ${await last.text()}`);
      }
      return { location, uploadId: Number(last!.headers.get('upload-id')), status: last!.headers.get('upload-status'), sha256: last!.headers.get('upload-sha256') };
    },
  };
}

/** The demo tenant data (catalog + legacy-equivalent plan) in `tenantId`; returns the locked plan's id. */
export async function legacyPlanId(app: FastifyInstance, tenantId: string): Promise<string> {
  await seedDemo(app.db, tenantId);
  const plan = await withTenant(app.db, tenantId, (trx) => findLatestLockedPlan(trx, tenantId, LEGACY_EQUIVALENT_NAME));
  return plan!.id;
}

/** A JobContext like the worker's, for running a job handler in a test. */
export function jobContext(app: FastifyInstance, config: Config): JobContext {
  return { config, db: app.db, redis: app.redis, log: pino({ level: 'silent' }), signal: new AbortController().signal };
}

/**
 * A tiny TCP server speaking clamd's INSTREAM protocol: it collects the streamed bytes and answers
 * `stream: <verdict>\0` after the zero-length chunk.
 */
export async function fakeClamd(verdict: string): Promise<{ port: number; received: () => Buffer; close: () => Promise<void> }> {
  const got: Buffer[] = [];
  const server = net.createServer((socket) => {
    let buf = Buffer.alloc(0);
    let commandDone = false;
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!commandDone) {
        const nul = buf.indexOf(0);
        if (nul < 0) return;
        if (buf.subarray(0, nul).toString() !== 'zINSTREAM') return socket.end('UNKNOWN COMMAND\0');
        commandDone = true;
        buf = buf.subarray(nul + 1);
      }
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0);
        if (len === 0) return socket.end(`stream: ${verdict}\0`);
        if (buf.length < 4 + len) return;
        got.push(buf.subarray(4, 4 + len));
        buf = buf.subarray(4 + len);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => Buffer.concat(got),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
