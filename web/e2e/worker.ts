import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** A real `npm run worker` process (gateway/worker.ts) with `env` over the test's environment; resolves once it started. */
export async function startWorker(env: Record<string, string>): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  let started = false;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'gateway/worker.ts')], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    if (chunk.includes('worker started')) started = true;
  });
  const deadline = Date.now() + 60_000;
  while (!started && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (!started) throw new Error('the worker did not start within 60 s');
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
