import type { ChildProcess } from 'node:child_process';

/**
 * Run a benchmark's main, then stop what it started whatever happened: every child process
 * (SIGTERM, SIGKILL after 12 s) and then the cleanups, last registered first. A failure sets the
 * exit code instead of throwing, so the stop always runs.
 */
export async function runBench(
  main: () => Promise<void>,
  started: { children: ChildProcess[]; cleanups: (() => Promise<void>)[] },
  log: (msg: string) => void,
): Promise<void> {
  try {
    await main();
  } catch (err) {
    log(`failed: ${(err as Error).stack ?? err}`);
    process.exitCode = 1;
  } finally {
    for (const child of started.children) {
      if (child.exitCode !== null) continue;
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r(undefined);
        }, 12_000);
        child.once('exit', () => {
          clearTimeout(t);
          r(undefined);
        });
      });
    }
    for (const c of started.cleanups.reverse()) await c().catch((err: Error) => log(`cleanup: ${err.message}`));
  }
}
