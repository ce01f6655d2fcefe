import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './queue';

/** The queue's gate (ADR 0024): shadow work waits while primaries are in flight, at most maxDeferMs. */
describe('BoundedQueue gate', () => {
  const make = (busy: { value: boolean }, maxDeferMs: number, ran: string[]) =>
    new BoundedQueue<string>({
      max: 10,
      concurrency: 1,
      timeoutMs: 5_000,
      run: async (item) => {
        ran.push(item);
      },
      onTimeout: () => undefined,
      onError: () => undefined,
      gate: { busy: () => busy.value, maxDeferMs },
    });

  it('starts nothing while busy, and everything once woken', async () => {
    const busy = { value: true };
    const ran: string[] = [];
    const q = make(busy, 60_000, ran);
    expect(q.offer('a')).toBe(true);
    expect(q.offer('b')).toBe(true);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toEqual([]);
    expect(q.size).toBe(2);
    busy.value = false;
    q.wake();
    await q.idle();
    expect(ran).toEqual(['a', 'b']);
    expect(q.overdueStarts).toBe(0);
  });

  it('starts a task that waited maxDeferMs even while busy, and counts it overdue', async () => {
    const busy = { value: true };
    const ran: string[] = [];
    const q = make(busy, 5, ran);
    q.offer('a');
    await q.idle();
    expect(ran).toEqual(['a']);
    expect(q.overdueStarts).toBe(1);
  });

  it('still refuses beyond max (the caller counts queue_full)', () => {
    const q = make({ value: true }, 60_000, []);
    for (let i = 0; i < 10; i++) expect(q.offer(String(i))).toBe(true);
    expect(q.offer('x')).toBe(false);
  });
});
