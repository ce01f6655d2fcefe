import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A size-limited directory for disk-full scenarios: a tmpfs of `bytes` (needs root), or undefined. */
export interface SmallFs {
  dir: string;
  /** Bytes of every file under the directory (what an aborted upload left behind). */
  usedFiles(): { path: string; bytes: number }[];
  close(): void;
}

/**
 * Mount a tmpfs of `bytes` on a fresh temporary directory. Only root may mount: elsewhere this
 * answers undefined and the scenario is reported as not run (never faked by a quota in code).
 */
export function mountSmallFs(bytes: number): SmallFs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'fig-small-fs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const walk = (d: string): { path: string; bytes: number }[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(d, e.name);
      return e.isDirectory() ? walk(p) : [{ path: path.relative(dir, p), bytes: statSync(p).size }];
    });
  return {
    dir,
    usedFiles: () => walk(dir),
    close: () => {
      try {
        // Lazy: a stream still closing (the app's scan of the last upload) must not keep the mount.
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
