import {describe, expect, it} from 'vitest';
import {thousands} from '../../src/lib/progress.js';

describe('thousands', () => {
  it('groups digits as en-US does, for integers of any size and sign and for fractions', () => {
    const values = [0, 7, -7, 999, 1000, -1000, 12_345, 999_999, 1_000_000, -123_456_789, 300_100, Number.MAX_SAFE_INTEGER, 12.5, 1234.75];
    for (const n of values) expect(thousands(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});
