import {describe, expect, it} from 'vitest';
import {copyRange} from '../../src/lib/copy-range.js';

describe('copyRange', () => {
  const source = Buffer.from(`${'a'.repeat(10)}${'0123456789'.repeat(20)}${'z'.repeat(10)}`);
  for (const length of [0, 1, 64, 65, 200]) {
    it(`copies ${length} bytes from the middle of a buffer to where it is told`, () => {
      const target = Buffer.alloc(length + 4, '#');
      expect(copyRange(source, 10, 10 + length, target, 2)).toBe(length);
      expect(target.toString()).toBe(`##${source.subarray(10, 10 + length).toString()}##`);
    });
  }
});
