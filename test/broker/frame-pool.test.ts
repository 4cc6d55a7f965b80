import {describe, expect, it} from 'vitest';
import {FramePool} from '../../src/broker/frame-pool.js';
import {isLent} from '../../src/lib/lent-buffers.js';

describe('the broker pool of Produce frame buffers', () => {
  it('hands a given-back buffer out again for a frame that fits, and lends every buffer', () => {
    const pool = new FramePool();
    const first = pool.take(1_000_000)!;
    expect(first.length).toBeGreaterThanOrEqual(1_000_000);
    expect(isLent(first.subarray(100, 200))).toBe(true);
    // In use: a second frame gets another buffer.
    const second = pool.take(900_000)!;
    expect(second.buffer).not.toBe(first.buffer);
    pool.give(first);
    expect(pool.take(700_000)!.buffer).toBe(first.buffer);
  });

  it('does not pool frames above its largest size (they get a buffer of their own)', () => {
    expect(new FramePool().take(3 * 1024 * 1024)).toBeUndefined();
  });

  it('keeps at most 16 MiB of free buffers', () => {
    const pool = new FramePool();
    const taken = Array.from({length: 12}, () => pool.take(2 * 1024 * 1024)!);
    for (const b of taken) pool.give(b);
    const again = Array.from({length: 12}, () => pool.take(2 * 1024 * 1024)!);
    const reused = again.filter((b) => taken.some((t) => t.buffer === b.buffer));
    expect(reused.length).toBe(8);
  });
});
