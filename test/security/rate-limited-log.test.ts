import {describe, expect, it} from 'vitest';
import {RateLimitedLog} from '../../src/security/rate-limited-log.js';

describe('authentication failure log', () => {
  it('writes a burst of lines per window, then counts the rest and tells the count once', () => {
    const lines: string[] = [];
    let now = 1_000_000;
    const log = new RateLimitedLog((l) => lines.push(l), 3, 10_000, () => now);
    for (let i = 0; i < 50; i++) log.write(`failed ${i}`);
    expect(lines).toEqual(['failed 0', 'failed 1', 'failed 2']);
    now += 10_000;
    log.write('failed 50');
    expect(lines.slice(3)).toEqual(['(47 more authentication failures not logged in the last 10s)', 'failed 50']);
  });
});
