import {describe, expect, it} from 'vitest';
import {HighWatermarkWaiters, PartitionWaiters} from '../../src/broker/partition-waiters.js';

const HOUR = 3_600_000;
const key = PartitionWaiters.key('t', 0);

/** Which of the waits have resolved, after the resolutions queued so far ran. */
async function settled(waits: Array<Promise<void>>): Promise<boolean[]> {
  const done = waits.map(() => false);
  waits.forEach((w, i) => void w.then(() => (done[i] = true)));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('HighWatermarkWaiters (acks=all)', () => {
  it('wakes exactly the requests whose last offset the high watermark passed, in any arrival order', async () => {
    const waiters = new HighWatermarkWaiters();
    const signal = new AbortController().signal;
    const waits = [9, 4, 19, 14].map((offset) => waiters.wait(key, offset, HOUR, signal));
    waiters.advanced(key, 10);
    expect(await settled(waits)).toEqual([true, true, false, false]);
    waiters.advanced(key, 15);
    expect(await settled(waits)).toEqual([true, true, false, true]);
    waiters.advanced(key, 20);
    expect(await settled(waits)).toEqual([true, true, true, true]);
  });

  it('leaves other partitions alone', async () => {
    const waiters = new HighWatermarkWaiters();
    const signal = new AbortController().signal;
    const other = waiters.wait(PartitionWaiters.key('t', 1), 0, HOUR, signal);
    waiters.advanced(key, 100);
    expect(await settled([other])).toEqual([false]);
    waiters.recheckAll();
    expect(await settled([other])).toEqual([true]);
  });

  it('wakes every waiter of a partition on recheck (leadership or ISR changed)', async () => {
    const waiters = new HighWatermarkWaiters();
    const signal = new AbortController().signal;
    const waits = [5, 50].map((offset) => waiters.wait(key, offset, HOUR, signal));
    waiters.recheck(key);
    expect(await settled(waits)).toEqual([true, true]);
    // Gone from the list: a later advance finds nobody, and a new wait is independent.
    const later = waiters.wait(key, 7, HOUR, signal);
    waiters.advanced(key, 7);
    expect(await settled([later])).toEqual([false]);
    waiters.advanced(key, 8);
    expect(await settled([later])).toEqual([true]);
  });

  it('ends a wait on timeout or abort without disturbing the others', async () => {
    const waiters = new HighWatermarkWaiters();
    const abort = new AbortController();
    const aborted = waiters.wait(key, 1, HOUR, abort.signal);
    const timedOut = waiters.wait(key, 2, 1, new AbortController().signal);
    const waiting = waiters.wait(key, 3, HOUR, new AbortController().signal);
    abort.abort();
    await timedOut;
    expect(await settled([aborted, timedOut, waiting])).toEqual([true, true, false]);
    waiters.advanced(key, 4);
    expect(await settled([waiting])).toEqual([true]);
  });
});
