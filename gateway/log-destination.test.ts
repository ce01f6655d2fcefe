import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BatchedLogDestination } from './log-destination';

function tempFile(): { file: string; fd: number } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'fig-log-')), 'out.log');
  return { file, fd: openSync(file, 'w') };
}

describe('BatchedLogDestination', () => {
  it('keeps short lines in memory until a flush, then writes them in order', async () => {
    const { file, fd } = tempFile();
    const dest = new BatchedLogDestination(fd, 1024);
    dest.write('a\n');
    dest.write('b\n');
    expect(readFileSync(file, 'utf8')).toBe('');
    await new Promise<void>((resolve) => dest.flush(() => resolve()));
    expect(readFileSync(file, 'utf8')).toBe('a\nb\n');
    closeSync(fd);
  });

  it('writes every line of a pino logger, in order, across many batches, once drained', async () => {
    const { file, fd } = tempFile();
    const dest = new BatchedLogDestination(fd, 256);
    const log = pino({ base: undefined, timestamp: false }, dest);
    for (let i = 0; i < 5000; i++) log.info({ i, url: '/api/v1/x/é' }, 'request completed');
    await dest.drain();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(5000);
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([...Array(5000).keys()]);
    expect(JSON.parse(lines[0]!)).toEqual({ level: 30, i: 0, url: '/api/v1/x/é', msg: 'request completed' });
    closeSync(fd);
  });
});
