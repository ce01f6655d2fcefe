/**
 * The gateway under the CPU probe (bench/profile/cpu.ts): the real app (buildApp + loadConfig, as
 * gateway/main.ts), listening on a free port, driven over IPC so each case gets its own CPU time
 * and its own CPU profile without the start-up in it.
 *
 *   parent → { cmd: 'start' }                      → { ok: true }
 *   parent → { cmd: 'stop', profile?: string }     → { cpuUs, elapsedMs } (after the shadow queue drained)
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../gateway/app';
import { loadConfig } from '../../gateway/config';

const app = await buildApp(loadConfig());
await app.listen({ host: '127.0.0.1', port: 0 });
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });

let cpu = process.cpuUsage();
let started = performance.now();
let profiling = false;

process.on('message', (msg: { cmd: string; profile?: string }) => {
  void (async () => {
    if (msg.cmd === 'start') {
      if (msg.profile) {
        await session.post('Profiler.start');
        profiling = true;
      }
      cpu = process.cpuUsage();
      started = performance.now();
      process.send!({ ok: true });
    } else if (msg.cmd === 'stop') {
      await app.shadow?.drain();
      const used = process.cpuUsage(cpu);
      const elapsedMs = performance.now() - started;
      if (profiling) {
        const { profile } = await session.post('Profiler.stop');
        profiling = false;
        if (msg.profile) writeFileSync(msg.profile, JSON.stringify(profile));
      }
      process.send!({ cpuUs: used.user + used.system, userUs: used.user, systemUs: used.system, elapsedMs });
    } else if (msg.cmd === 'exit') {
      await app.close();
      process.exit(0);
    }
  })();
});
process.send!({ port: (app.server.address() as AddressInfo).port });
